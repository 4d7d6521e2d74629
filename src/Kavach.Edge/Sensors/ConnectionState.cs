namespace Kavach.Edge.Sensors;

/// <summary>Transport state of a sensor, as the logs, health and API show it.</summary>
public enum ConnectionState
{
    /// <summary>Not started yet.</summary>
    Idle,

    /// <summary>Listening for sensors to connect in (tcp-listen) with none connected.</summary>
    Listening,

    /// <summary>Trying to open or connect.</summary>
    Connecting,

    /// <summary>Bytes can flow.</summary>
    Connected,

    /// <summary>Lost; retrying with backoff.</summary>
    Disconnected,
}
