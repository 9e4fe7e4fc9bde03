return RetentionInsights.Solution.SolutionTool.Run(args);
