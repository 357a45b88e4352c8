using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Settings bound from a configuration section and checked when the host starts, so a bad value stops the service
/// at once with a line naming it (<c>StateStore:Liveness:NodeTtl: ...</c>), instead of failing later, or never.
/// </summary>
public static class ValidatedOptions
{
    /// <summary>
    /// Checks the data annotations of options bound from <paramref name="section"/> (<see cref="RangeAttribute"/>,
    /// <see cref="RequiredAttribute"/>, ...) when the host starts, naming each bad setting by its full name. Further
    /// checks of the whole object go in an <see cref="IValidateOptions{TOptions}"/> of its own, registered beside this.
    /// The binding itself stays at the caller (<c>AddOptions&lt;T&gt;().BindConfiguration(T.Section)</c>), where the type
    /// is known: the configuration binder's source generator, which a trimmed publish uses, binds only such calls.
    /// </summary>
    public static OptionsBuilder<TOptions> ValidateSettingsOnStart<TOptions>(this OptionsBuilder<TOptions> options, string section)
        where TOptions : class
    {
        options.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>>(new AnnotationsValidator<TOptions>(section)));
        return options.ValidateOnStart();
    }

    /// <summary>A setting's name as an operator writes it: the section, then the property.</summary>
    public static string SettingName(string section, string property) => $"{section}:{property}";

    private static object? ValueOf(object options, string member) =>
        options.GetType().GetProperty(member)?.GetValue(options) ?? "unset";

    private sealed class AnnotationsValidator<TOptions>(string section) : IValidateOptions<TOptions> where TOptions : class
    {
        public ValidateOptionsResult Validate(string? name, TOptions options)
        {
            var results = new List<ValidationResult>();
            if (Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
                return ValidateOptionsResult.Success;
            return ValidateOptionsResult.Fail(results.SelectMany(result => result.MemberNames.Select(member =>
                $"{SettingName(section, member)} {result.ErrorMessage} (it is {ValueOf(options, member)})")));
        }
    }
}

/// <summary>A setting that must be more than zero: a duration, a count or a size.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class PositiveAttribute : ValidationAttribute
{
    public PositiveAttribute() : base("must be more than zero") { }

    public override bool IsValid(object? value) => value switch
    {
        null => true,
        TimeSpan duration => duration > TimeSpan.Zero,
        int number => number > 0,
        long number => number > 0,
        double number => number > 0,
        decimal number => number > 0,
        _ => false,
    };
}
