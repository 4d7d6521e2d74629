namespace Kavach.Simulation;
