return await RetentionInsights.Cli.RtnApp.RunAsync(args);
