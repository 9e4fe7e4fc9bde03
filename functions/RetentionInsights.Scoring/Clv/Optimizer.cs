namespace RetentionInsights.Scoring.Clv;

/// <summary>
/// Derivative-free minimiser (Nelder–Mead with restarts). BTYD likelihoods are smooth but badly scaled (α is ~10× r), so
/// callers optimise over log-parameters; restarting from the best vertex with a fresh simplex removes the classic
/// Nelder–Mead stall and gets parameters to ~1e-7 relative, well inside the 1e-3 the references need.
/// </summary>
public static class Optimizer
{
    public sealed record Result(double[] Minimum, double Value, int Evaluations, bool Converged);

    public static Result Minimize(Func<double[], double> f, double[] start, double initialStep = 0.5, double tolerance = 1e-12, int maxEvaluations = 40_000)
    {
        var best = (double[])start.Clone();
        var bestValue = Safe(f, best);
        var evaluations = 1;
        var converged = false;
        for (var restart = 0; restart < 12 && evaluations < maxEvaluations; restart++)
        {
            var step = restart == 0 ? initialStep : Math.Max(initialStep / Math.Pow(4, restart), 1e-4);
            var (point, value, used) = NelderMead(f, best, step, tolerance, maxEvaluations - evaluations);
            evaluations += used;
            var improvement = bestValue - value;
            if (value <= bestValue)
            {
                best = point;
                bestValue = value;
            }
            if (restart > 0 && Math.Abs(improvement) <= tolerance * (1 + Math.Abs(bestValue)))
            {
                converged = true;
                break;
            }
        }
        return new Result(best, bestValue, evaluations, converged);
    }

    private static double Safe(Func<double[], double> f, double[] x)
    {
        var v = f(x);
        return double.IsFinite(v) ? v : double.MaxValue;
    }

    private static (double[] Point, double Value, int Evaluations) NelderMead(Func<double[], double> f, double[] start, double step, double tolerance, int budget)
    {
        var n = start.Length;
        var simplex = new double[n + 1][];
        var values = new double[n + 1];
        simplex[0] = (double[])start.Clone();
        for (var i = 0; i < n; i++)
        {
            simplex[i + 1] = (double[])start.Clone();
            simplex[i + 1][i] += step;
        }
        var evaluations = 0;
        for (var i = 0; i <= n; i++)
        {
            values[i] = Safe(f, simplex[i]);
            evaluations++;
        }
        var order = Enumerable.Range(0, n + 1).ToArray();
        while (evaluations < budget)
        {
            Array.Sort(order, (a, b) => values[a].CompareTo(values[b]));
            var bestIndex = order[0];
            var worstIndex = order[n];
            var secondWorst = order[n - 1];
            if (Math.Abs(values[worstIndex] - values[bestIndex]) <= tolerance * (1 + Math.Abs(values[bestIndex])) && Spread(simplex, bestIndex) < 1e-10)
                break;

            var centroid = new double[n];
            foreach (var i in order.Take(n))
            {
                for (var j = 0; j < n; j++)
                    centroid[j] += simplex[i][j] / n;
            }
            double[] Along(double t) => centroid.Select((c, j) => c + t * (simplex[worstIndex][j] - c)).ToArray();

            var reflected = Along(-1);
            var fr = Safe(f, reflected);
            evaluations++;
            if (fr < values[bestIndex])
            {
                var expanded = Along(-2);
                var fe = Safe(f, expanded);
                evaluations++;
                (simplex[worstIndex], values[worstIndex]) = fe < fr ? (expanded, fe) : (reflected, fr);
            }
            else if (fr < values[secondWorst])
            {
                (simplex[worstIndex], values[worstIndex]) = (reflected, fr);
            }
            else
            {
                var contracted = fr < values[worstIndex] ? Along(-0.5) : Along(0.5);
                var fc = Safe(f, contracted);
                evaluations++;
                if (fc < Math.Min(fr, values[worstIndex]))
                {
                    (simplex[worstIndex], values[worstIndex]) = (contracted, fc);
                }
                else
                {
                    for (var i = 0; i <= n; i++)
                    {
                        if (i == bestIndex)
                            continue;
                        for (var j = 0; j < n; j++)
                            simplex[i][j] = simplex[bestIndex][j] + 0.5 * (simplex[i][j] - simplex[bestIndex][j]);
                        values[i] = Safe(f, simplex[i]);
                        evaluations++;
                    }
                }
            }
        }
        var argmin = Enumerable.Range(0, n + 1).MinBy(i => values[i]);
        return (simplex[argmin], values[argmin], evaluations);
    }

    private static double Spread(double[][] simplex, int best)
    {
        var max = 0.0;
        foreach (var vertex in simplex)
        {
            for (var j = 0; j < vertex.Length; j++)
                max = Math.Max(max, Math.Abs(vertex[j] - simplex[best][j]));
        }
        return max;
    }
}
