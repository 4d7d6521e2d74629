using BenchmarkDotNet.Running;

namespace Kavach.Benchmarks;

public static class BenchmarkProgram
{
    public static void Main(string[] args) =>
        BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly).Run(args);
}
