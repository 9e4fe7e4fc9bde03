using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using RetentionInsights.Functions.Batch;

namespace RetentionInsights.Functions.Tests.Support;

/// <summary>
/// The Azurite instance that tests/scripts/azurite.sh starts for ./test.sh. Without it these tests fail with instructions:
/// a storage test that silently passes without storage would prove nothing.
/// </summary>
public static class Azurite
{
    // The emulator's well-known development account key (public, documented by Microsoft; not a secret).
    private const string DevKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public static string ConnectionString
    {
        get
        {
            var blob = Environment.GetEnvironmentVariable("AZURITE_BLOB_ENDPOINT");
            var queue = Environment.GetEnvironmentVariable("AZURITE_QUEUE_ENDPOINT");
            if (string.IsNullOrEmpty(blob) || string.IsNullOrEmpty(queue))
                Assert.Fail("AZURITE_BLOB_ENDPOINT / AZURITE_QUEUE_ENDPOINT are not set. Start the emulator with `tests/scripts/azurite.sh start` and " +
                            "load .test-output/azurite.env (set -a; . .test-output/azurite.env; set +a), or run ./test.sh, which does both.");
            return $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DevKey};BlobEndpoint={blob};QueueEndpoint={queue};";
        }
    }

    /// <summary>A fresh container per test, so tests never see each other's blobs.</summary>
    public static BlobContainerClient Container(string purpose) =>
        new(ConnectionString, $"{purpose}-{Guid.NewGuid():N}"[..Math.Min(63, purpose.Length + 33)]);

    public static QueueClient Queue() => new(ConnectionString, "rescore-" + Guid.NewGuid().ToString("N"), StorageRescoreQueue.ClientOptions());
}
