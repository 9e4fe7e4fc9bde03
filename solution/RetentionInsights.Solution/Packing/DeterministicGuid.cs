using System.Security.Cryptography;
using System.Text;

namespace RetentionInsights.Solution.Packing;

/// <summary>
/// Name-based GUIDs (RFC 4122 version 5) for components the packer generates (plug-in assembly, types, steps, images).
/// Dataverse matches components across upgrades by id, so the same name must give the same id in every build.
/// </summary>
public static class DeterministicGuid
{
    // A fixed namespace for this product; changing it would orphan every generated component on upgrade.
    private static readonly Guid Namespace = new("5e0f7f8a-2c55-4a43-9a55-0b6f1d3c7a21");

    public static Guid Create(string name)
    {
        var namespaceBytes = Namespace.ToByteArray(bigEndian: true);
        var nameBytes = Encoding.UTF8.GetBytes(name);
        // RFC 4122 version 5 is defined on SHA-1; this is an identifier, not a security use.
        var hash = SHA1.HashData([.. namespaceBytes, .. nameBytes]);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
