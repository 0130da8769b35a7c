using ChatApp.Defaults;
using Microsoft.Extensions.Options;

namespace ChatApp.Gateway.Attachments;

/// <summary>Uploads' services: their bounds, the store the settings choose, and the sweep of unsent uploads.</summary>
public static class AttachmentsSetup
{
    public static IServiceCollection AddAttachments(this IServiceCollection services)
    {
        services.AddValidatedOptions<AttachmentOptions>(AttachmentOptions.Section);
        services.AddSingleton<PostgresAttachmentStore>();
        services.AddSingleton<IAttachmentStore>(provider =>
            provider.GetRequiredService<IOptions<AttachmentOptions>>().Value.Store == AttachmentStoreKind.Folder
                ? ActivatorUtilities.CreateInstance<FolderAttachmentStore>(provider)
                : provider.GetRequiredService<PostgresAttachmentStore>());
        services.AddSingleton<UnsentUploadSweep>();
        services.AddHostedService(provider => provider.GetRequiredService<UnsentUploadSweep>());
        return services;
    }
}
