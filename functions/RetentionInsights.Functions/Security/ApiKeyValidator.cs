using System.Security.Cryptography;
using System.Text;

namespace RetentionInsights.Functions.Security;

/// <summary>
/// Compares a presented key with the configured ones in constant time. Both sides are hashed first so neither the
/// content nor the length of a configured key leaks through timing.
/// </summary>
public sealed class ApiKeyValidator
{
    /// <summary>Keys shorter than this are refused at start-up: they can be guessed.</summary>
    public const int MinimumKeyLength = 16;

    private readonly byte[][] _keyHashes;

    public ApiKeyValidator(IEnumerable<string> keys)
    {
        _keyHashes = keys.Where(k => !string.IsNullOrWhiteSpace(k)).Select(Hash).ToArray();
        if (_keyHashes.Length == 0)
            throw new InvalidOperationException(
                "No API key is configured. Set the environment variable RTN_API_KEY (at least 16 characters) " +
                "or Retention:ApiKeys in settings / Key Vault; the service refuses to run without one.");
    }

    public bool IsValid(string? presented)
    {
        if (string.IsNullOrEmpty(presented))
            return false;
        var hash = Hash(presented);
        var match = false;
        // Every configured key is compared, so the time taken does not reveal which one matched.
        foreach (var expected in _keyHashes)
            match |= CryptographicOperations.FixedTimeEquals(hash, expected);
        return match;
    }

    private static byte[] Hash(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));
}
