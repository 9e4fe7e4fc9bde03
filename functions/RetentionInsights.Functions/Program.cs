using RetentionInsights.Functions.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddRetentionService();
var app = builder.Build();
app.UseRetentionService();
app.Run();

public partial class Program;
