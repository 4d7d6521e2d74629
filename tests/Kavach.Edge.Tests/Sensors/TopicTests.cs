using Kavach.Edge.Sensors;
using Kavach.Protocols;

namespace Kavach.Edge.Tests.Sensors;

public class TopicTests
{
    [Theory]
    [InlineData("kavach/sensors/#", "kavach/sensors/lidar", true)]
    [InlineData("kavach/sensors/#", "kavach/sensors", true)]
    [InlineData("kavach/sensors/#", "kavach/other/lidar", false)]
    [InlineData("kavach/+/lidar", "kavach/sensors/lidar", true)]
    [InlineData("kavach/+/lidar", "kavach/sensors/radar", false)]
    [InlineData("kavach/sensors/lidar", "kavach/sensors/lidar", true)]
    [InlineData("kavach/sensors/lidar", "kavach/sensors/lidar/x", false)]
    [InlineData("kavach/sensors/+", "kavach/sensors", false)]
    [InlineData("#", "a/b/c", true)]
    public void Topic_filters_match_like_mqtt(string filter, string topic, bool match) =>
        Assert.Equal(match, MqttTransport.TopicMatches(filter, topic));

    [Theory]
    [InlineData("kavach/sensors/lidar", SensorKind.Lidar)]
    [InlineData("kavach/sensors/Radar", SensorKind.Radar)]
    [InlineData("camera", SensorKind.Camera)]
    [InlineData("kavach/sensors/post-7", SensorKind.Unspecified)]
    public void The_last_topic_level_names_the_kind(string topic, SensorKind kind) => Assert.Equal(kind, MqttTransport.KindOfTopic(topic));
}
