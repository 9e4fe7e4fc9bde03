using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Security.Cryptography;

namespace RetentionInsights.Plugins.Tests.Plugins;

/// <summary>
/// Verifies a strong-name signature the way the runtime does: SHA-1 over the PE headers (checksum and certificate
/// table entry zeroed) and every section's raw data except the signature blob, checked with RSA PKCS#1 against the
/// assembly's own public key. A public-signed assembly has the flag and the key but no valid signature.
/// </summary>
public static class StrongNameVerifier
{
    private const int SectionHeaderSize = 40;
    private const int PublicKeyHeaderSize = 12;

    public static bool Verify(byte[] image)
    {
        using var pe = new PEReader(new MemoryStream(image));
        var headers = pe.PEHeaders;
        var corHeader = headers.CorHeader;
        if (corHeader == null || headers.PEHeader == null || !corHeader.Flags.HasFlag(CorFlags.StrongNameSigned))
        {
            return false;
        }

        var reader = pe.GetMetadataReader();
        var publicKey = reader.GetBlobBytes(reader.GetAssemblyDefinition().PublicKey);
        var directory = corHeader.StrongNameSignatureDirectory;
        if (publicKey.Length <= PublicKeyHeaderSize + 20 || directory.Size == 0 || !headers.TryGetDirectoryOffset(directory, out var signatureOffset))
        {
            return false;
        }

        var signed = new List<byte>(image.Length);
        var headerSize = headers.PEHeaderStartOffset + headers.CoffHeader.SizeOfOptionalHeader + SectionHeaderSize * headers.SectionHeaders.Length;
        var head = image[..headerSize];
        const int checkSumOffsetInOptionalHeader = 64;
        Array.Clear(head, headers.PEHeaderStartOffset + checkSumOffsetInOptionalHeader, 4);
        var dataDirectories = headers.PEHeaderStartOffset + (headers.PEHeader.Magic == PEMagic.PE32 ? 96 : 112);
        const int certificateTableIndex = 4;
        Array.Clear(head, dataDirectories + certificateTableIndex * 8, 8);
        signed.AddRange(head);
        foreach (var section in headers.SectionHeaders)
        {
            for (var i = section.PointerToRawData; i < section.PointerToRawData + section.SizeOfRawData; i++)
            {
                if (i < signatureOffset || i >= signatureOffset + directory.Size)
                {
                    signed.Add(image[i]);
                }
            }
        }

        // The blob after the 12-byte header is a CAPI PUBLICKEYBLOB: BLOBHEADER(8), RSAPUBKEY magic/bitlen/exponent(12), modulus (little-endian).
        var blob = publicKey.AsSpan(PublicKeyHeaderSize);
        var bitLength = BitConverter.ToInt32(blob[12..16]);
        var exponent = BitConverter.GetBytes(BitConverter.ToUInt32(blob[16..20])).Reverse().SkipWhile(b => b == 0).ToArray();
        var modulus = blob.Slice(20, bitLength / 8).ToArray();
        Array.Reverse(modulus);
        var signature = image.AsSpan(signatureOffset, directory.Size).ToArray();
        Array.Reverse(signature);

        using var rsa = RSA.Create();
        rsa.ImportParameters(new RSAParameters { Modulus = modulus, Exponent = exponent });
        return rsa.VerifyHash(SHA1.HashData(signed.ToArray()), signature, HashAlgorithmName.SHA1, RSASignaturePadding.Pkcs1);
    }
}
