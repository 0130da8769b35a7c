using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ChatApp.Defaults;

/// <summary>
/// Settings as options classes, bound from configuration and checked by their data annotations
/// before the host starts: a missing key or a bad port stops the process with one line naming
/// the setting, not a failing request later. Both hosts register every settings class this way.
/// </summary>
public static class ValidatedOptions
{
    /// <summary>Binds <typeparamref name="T"/> to the configuration section and validates it when the host starts.</summary>
    public static OptionsBuilder<T> AddValidatedOptions<T>(this IServiceCollection services, string section) where T : class =>
        services.AddOptions<T>().BindConfiguration(section).ValidateDataAnnotations().ValidateOnStart();

    /// <summary>
    /// For settings a host needs while it is being built (ports, connection strings): registers them
    /// as above, and returns them bound and validated now, by the same rules.
    /// </summary>
    public static T AddValidatedOptions<T>(this IServiceCollection services, Action<T> bind) where T : class, new()
    {
        services.AddOptions<T>().Configure(bind).ValidateDataAnnotations().ValidateOnStart();
        return Validate(bind);
    }

    /// <summary>As above, from a configuration section.</summary>
    public static T AddValidatedOptions<T>(this IServiceCollection services, IConfiguration section) where T : class, new() =>
        services.AddValidatedOptions<T>(section.Bind);

    /// <summary>Binds a new <typeparamref name="T"/> and validates it as <c>ValidateDataAnnotations</c> would at start.</summary>
    /// <exception cref="OptionsValidationException">The settings break a rule; the message names each.</exception>
    public static T Validate<T>(Action<T> bind) where T : class, new()
    {
        var options = new T();
        bind(options);
        var result = new DataAnnotationValidateOptions<T>(Options.DefaultName).Validate(Options.DefaultName, options);
        return result.Failed ? throw new OptionsValidationException(Options.DefaultName, typeof(T), result.Failures) : options;
    }
}

/// <summary>A number or a span of time that must be more than zero (with <see cref="OrZero"/>, not below zero).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class PositiveAttribute : ValidationAttribute
{
    public PositiveAttribute()
        : base("{0} must be more than zero.")
    {
    }

    public bool OrZero { get; set; }

    public override bool IsValid(object? value) => value switch
    {
        int n => n > 0 || (OrZero && n == 0),
        double d => d > 0 || (OrZero && d == 0),
        TimeSpan t => t > TimeSpan.Zero || (OrZero && t == TimeSpan.Zero),
        null => true,
        _ => false,
    };

    public override string FormatErrorMessage(string name) =>
        OrZero ? $"{name} must not be below zero." : base.FormatErrorMessage(name);
}
