namespace Kavach.Edge.Tests;
