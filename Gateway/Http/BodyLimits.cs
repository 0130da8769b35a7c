using ChatApp.Gateway.Contract;
using ChatApp.Gateway.Limits;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace ChatApp.Gateway.Http;

/// <summary>
/// Every HTTP request body is bounded by its endpoint: <c>Limits:RequestBodyBytes</c> unless the
/// endpoint names its own bound (<see cref="WithBodyLimit{TBuilder}"/>), in place of Kestrel's
/// 30 MB default. A body over the bound is answered 413 with the problem code <c>too_large</c>:
/// at once when its Content-Length says so, else when the reading passes the bound (Kestrel
/// counts the bytes as they arrive and fails the read).
/// </summary>
public static class BodyLimits
{
    /// <summary>Gives the endpoints their own bound on request bodies, in bytes.</summary>
    public static TBuilder WithBodyLimit<TBuilder>(this TBuilder builder, long bytes)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new BodyLimit(bytes));

    /// <summary>Sets each request's bound from its endpoint; runs after routing has chosen the endpoint.</summary>
    public static IApplicationBuilder UseBodyLimits(this IApplicationBuilder app)
    {
        var defaultBytes = app.ApplicationServices.GetRequiredService<IOptions<LimitOptions>>().Value.RequestBodyBytes;
        return app.Use(async (context, next) =>
        {
            var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
            // An upgraded request (a WebSocket) has no body to bound: its frames have their own limit.
            if (feature is null || feature.IsReadOnly)
            {
                await next(context);
                return;
            }
            var bytes = context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize ?? defaultBytes;
            if (context.Request.ContentLength > bytes)
            {
                await ChatProblems.Problem(ChatProblems.TooLarge()).ExecuteAsync(context);
                return;
            }
            feature.MaxRequestBodySize = bytes;
            await next(context);
            // A streamed body found too large while an endpoint read it: the endpoint's binding
            // set 413 and wrote nothing, so the problem is written here.
            if (context.Response.StatusCode == StatusCodes.Status413PayloadTooLarge && !context.Response.HasStarted)
            {
                await ChatProblems.Problem(ChatProblems.TooLarge()).ExecuteAsync(context);
            }
        });
    }

    private sealed record BodyLimit(long? MaxRequestBodySize) : IRequestSizeLimitMetadata;
}
