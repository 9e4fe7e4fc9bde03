using System.Text.Json;
using System.Threading.Channels;
using Azure.Storage.Queues;

namespace RetentionInsights.Functions.Batch;

/// <summary>One queue message: which chunk of which batch to rescore. The contact ids live in the checkpoint, not the
/// message, so a message stays tiny and a redelivered message resumes from the chunk's recorded progress.</summary>
/// <summary>The storage queue of batch chunks (the queue trigger of RescoreChunk and the coordinator's sender agree on it).</summary>
public static class RescoreQueues
{
    public const string Name = "rtn-rescore-chunks";
}

public sealed record ChunkMessage(string BatchId, int Chunk)
{
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public static ChunkMessage Parse(string json)
    {
        try
        {
            var message = JsonSerializer.Deserialize<ChunkMessage>(json, JsonOptions);
            if (message is null || string.IsNullOrWhiteSpace(message.BatchId) || message.Chunk < 0)
                throw new FormatException("A chunk message needs a batchId and a chunk number ≥ 0.");
            return message;
        }
        catch (JsonException e)
        {
            throw new FormatException($"A chunk message must be JSON like {{\"batchId\":\"…\",\"chunk\":0}}: {e.Message}", e);
        }
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
}

public interface IRescoreQueue
{
    string Kind { get; }

    Task EnqueueAsync(ChunkMessage message, CancellationToken cancellationToken);
}

/// <summary>Local default: chunks are processed by a background worker in this process.</summary>
public sealed class InProcessRescoreQueue : IRescoreQueue
{
    private readonly Channel<ChunkMessage> _channel = Channel.CreateUnbounded<ChunkMessage>();

    public string Kind => "in-process";

    public ChannelReader<ChunkMessage> Reader => _channel.Reader;

    public Task EnqueueAsync(ChunkMessage message, CancellationToken cancellationToken) => _channel.Writer.WriteAsync(message, cancellationToken).AsTask();
}

/// <summary>
/// Azure Storage queue read by the RescoreChunk queue-trigger function. Messages are Base64, the Functions queue
/// trigger's default encoding.
/// </summary>
public sealed class StorageRescoreQueue(QueueClient queue) : IRescoreQueue
{
    private int _created;

    public string Kind => "storage-queue";

    public QueueClient Client => queue;

    public async Task EnqueueAsync(ChunkMessage message, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _created) == 0)
        {
            await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            Volatile.Write(ref _created, 1);
        }
        await queue.SendMessageAsync(message.ToJson(), cancellationToken);
    }

    public static QueueClientOptions ClientOptions() => new() { MessageEncoding = QueueMessageEncoding.Base64 };
}
