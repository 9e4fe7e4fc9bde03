using Microsoft.AspNetCore.Http;
using RetentionInsights.Functions.Http;

namespace RetentionInsights.Functions.Tests.Http;

public sealed class BodyReaderTests
{
    [Fact]
    public async Task ReadBounded_BodyTheServerCannotRead_Is400NotAServerError()
    {
        // What the server throws for a chunk size beyond 64 bits, or a connection reset halfway through the body.
        var context = new DefaultHttpContext();
        context.Request.Body = new FailingStream(new IOException("Bad chunk size data.", new OverflowException()));

        var problem = await Assert.ThrowsAsync<RequestProblemException>(() => BodyReader.ReadBoundedAsync(context.Request, 16 * 1024, CancellationToken.None));

        Assert.Equal(StatusCodes.Status400BadRequest, problem.Status);
        Assert.Contains("could not be read", problem.Message);
    }

    [Fact]
    public void Parse_LoneSurrogateInAPropertyNameDeepInside_Is400()
    {
        var problem = Assert.Throws<RequestProblemException>(() => BodyReader.Parse("{\"a\":[1,{\"b\":{\"\\udbff\":true}}]}"u8.ToArray()));

        Assert.Equal(StatusCodes.Status400BadRequest, problem.Status);
        Assert.Contains("in a member name of a[1].b ", problem.Message);
    }

    [Fact]
    public void Parse_LoneSurrogateInAValue_NamesItsPath()
    {
        var problem = Assert.Throws<RequestProblemException>(() => BodyReader.Parse("{\"ok\":\"x\",\"list\":[\"fine\",{\"value\":\"\\udfff\"}]}"u8.ToArray()));

        Assert.Contains("at list[1].value ", problem.Message);
    }

    [Fact]
    public void Parse_ValidTextIncludingAPairedSurrogateEscape_IsAccepted()
    {
        using var document = BodyReader.Parse("{\"name\":\"caf\u00e9 \\ud83d\\ude00\",\"n\":[1,2]}"u8.ToArray());

        Assert.Equal("café 😀", document.RootElement.GetProperty("name").GetString());
    }

    private sealed class FailingStream(Exception failure) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => 0; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw failure;
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromException<int>(failure);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
