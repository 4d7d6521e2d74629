using Kavach.Edge.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Kavach.Edge.Api;

/// <summary>
/// GET /api/incidents/{id} (docs/api.md, "Incident report"): 200 with the <see cref="IncidentReport"/>, 400 for an id that is
/// neither "RUN-CHANGE" nor an alert UUID, 404 naming what is not stored, 503 when the database cannot be read now. Behind the
/// key like every API path; the printable page (/report.html#ID) renders it.
/// </summary>
public static class IncidentReportEndpoint
{
    public static IResult Get(IncidentReportReader reader, string id, ILogger log)
    {
        if (!IncidentId.TryParse(id, out var parsed))
            return ApiEndpoints.Error(
                StatusCodes.Status400BadRequest,
                "id: 'RUN-CHANGE' (a stored level change, e.g. 3-7, as /api/events lists it) or an alert's UUID"
            );
        try
        {
            var report = reader.Read(parsed, out var missing);
            return report is null
                ? ApiEndpoints.Error(StatusCodes.Status404NotFound, missing)
                : Results.Json(report, ApiJson.Default.IncidentReport);
        }
        catch (StorageReadException e)
        {
            log.LogWarning("API: incident {Id} not readable: {Message}", parsed, e.Message);
            return ApiEndpoints.Error(StatusCodes.Status503ServiceUnavailable, "the event store cannot be read now");
        }
    }
}
