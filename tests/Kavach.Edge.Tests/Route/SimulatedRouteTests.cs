using Kavach.Edge.Route;
using Kavach.Simulation;

namespace Kavach.Edge.Tests.Route;

/// <summary>The simulator's route track and the daemon's route map agree: the simulated train's ground truth is the
/// daemon's chainage, not an approximation of it (the announcement scenario test measures errors of a few metres).</summary>
public class SimulatedRouteTests
{
    [Theory]
    [InlineData("UP-MAIN")]
    [InlineData("DN-MAIN")]
    public void The_simulator_and_the_daemon_measure_the_sample_route_alike(string id)
    {
        var text = Scenario.BuiltInRoute("route.sample.csv")!;
        var errors = new List<string>();
        var map = RouteMap.Build(RouteCsv.Parse(text, "route.sample.csv", errors), errors)!;
        var sim = RouteLine.FromCsv(text, "route.sample.csv", id, errors)!;
        Assert.Empty(errors);
        var line = map.LineIndex(id);
        var points = map.Points.Select((p, i) => (p, i)).Where(x => x.p.Line == id).ToList();
        Assert.Equal(points.Count, sim.Count);
        for (var k = 0; k < sim.Count; k++)
            Assert.Equal(map.ChainageOf(points[k].i), sim.ChainageM(k), 6);
        // and a point between: where the daemon puts chainage c is where the simulated train is at c
        var scenario = Scenario.BuiltIn(id == "UP-MAIN" ? "loco-route-up-saptagiri" : "loco-route-down");
        var world = new World(scenario);
        for (var t = 0.0; t < scenario.DurationS; t += 7.3)
        {
            world.AdvanceTo(t);
            var (lat, lon, _) = map.PointAt(line, world.RouteChainageM);
            Assert.Equal(lat, world.CabPosition.LatitudeDeg, 9);
            Assert.Equal(lon, world.CabPosition.LongitudeDeg, 9);
        }
    }
}
