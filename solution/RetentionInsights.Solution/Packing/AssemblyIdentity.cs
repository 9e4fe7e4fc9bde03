using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Security.Cryptography;

namespace RetentionInsights.Solution.Packing;

/// <summary>Name, version and public key token of the plug-in DLL, read from its metadata (never loaded: it is net462).</summary>
public sealed record AssemblyIdentity(string Name, Version Version, string PublicKeyToken)
{
    public string FullName => $"{Name}, Version={Version}, Culture=neutral, PublicKeyToken={PublicKeyToken}";

    public static AssemblyIdentity Read(string dllPath)
    {
        using var stream = File.OpenRead(dllPath);
        using var pe = new PEReader(stream);
        if (!pe.HasMetadata)
            throw new InvalidDataException($"{dllPath} is not a .NET assembly.");
        var reader = pe.GetMetadataReader();
        var definition = reader.GetAssemblyDefinition();
        var publicKey = reader.GetBlobBytes(definition.PublicKey);
        if (publicKey.Length == 0)
            throw new InvalidDataException($"{dllPath} is not strong-name signed; Dataverse only registers signed plug-in assemblies.");
        return new AssemblyIdentity(reader.GetString(definition.Name), definition.Version, Token(publicKey));
    }

    /// <summary>The token is the last 8 bytes of the SHA-1 of the public key, reversed (ECMA-335 II.6.2.1.3).</summary>
    private static string Token(byte[] publicKey)
    {
        var hash = SHA1.HashData(publicKey);
        return Convert.ToHexStringLower(hash[^8..].Reverse().ToArray());
    }
}
