namespace Kavach.Protocols.Tests;
