using System.Diagnostics;
using Kavach.Edge.Tests.Support;

namespace Kavach.Edge.Tests.Configuration;

/// <summary>
/// Secret files (the API key, the MQTT password, TLS private keys) that others could read, or that another
/// user owns, are refused at start-up with the command that fixes them — as ssh does with private keys.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class SecretFileTests
{
    private const string Key = "k3y-for-tests-0123456789abcdef";

    // The secret's key path, and the overrides that make the daemon read it (FILE stands for its path).
    public static TheoryData<string, string[]> Secrets =>
        new()
        {
            { "Api.KeyFile", ["Api:KeyFile", "FILE"] },
            { "Api.CertKeyFile", ["Api:Urls", "https://127.0.0.1:0", "Api:CertFile", "CERT", "Api:CertKeyFile", "FILE"] },
            { "Api.CertFile", ["Api:Urls", "https://127.0.0.1:0", "Api:CertFile", "FILE"] }, // a PFX holds its private key
            { "Uplink.PasswordFile", ["Uplink:Host", "127.0.0.1", "Uplink:Username", "kavach", "Uplink:PasswordFile", "FILE"] },
            { "Uplink.KeyFile", ["Uplink:Host", "127.0.0.1", "Uplink:Tls", "true", "Uplink:CertFile", "CERT", "Uplink:KeyFile", "FILE"] },
        };

    [Theory]
    [MemberData(nameof(Secrets))]
    public void A_secret_open_to_group_or_others_is_refused_with_the_chmod_that_fixes_it(string keyPath, string[] settings)
    {
        using var dir = Repo.NewTempDir();
        var secret = dir.Secret("my secret", Key + "\n"); // a space: the command must quote the path
        var overrides = Overrides(settings, secret, dir.File("cert.pem"));
        File.WriteAllText(dir.File("cert.pem"), "not read before the key is checked");

        foreach (var mode in new[] { "644", "640", "604", "660" })
        {
            Chmod(secret, mode);
            var (_, errors) = TestConfig.Bind(TestConfig.Minimal, overrides);
            Assert.Contains(errors, e =>
                e.StartsWith(keyPath + ": ", StringComparison.Ordinal)
                && e.Contains($"(mode 0{mode})", StringComparison.Ordinal)
                && e.EndsWith($"chmod 600 '{secret}'", StringComparison.Ordinal)
            );
        }
        foreach (var mode in new[] { "600", "400" })
        {
            Chmod(secret, mode);
            var (_, errors) = TestConfig.Bind(TestConfig.Minimal, overrides);
            Assert.DoesNotContain(errors, e =>
                e.Contains("chmod", StringComparison.Ordinal) || e.Contains("chown", StringComparison.Ordinal)
            );
        }
    }

    [Theory]
    [MemberData(nameof(Secrets))]
    public void A_secret_owned_by_another_user_is_refused_with_the_chown_that_fixes_it(string keyPath, string[] settings)
    {
        if (Environment.UserName != "root")
            return; // only root can give a file away (CI runs as root)
        using var dir = Repo.NewTempDir();
        var secret = dir.Secret("secret", Key + "\n");
        Run("chown", "65534", secret); // nobody: 0600, readable by root, but not its own
        File.WriteAllText(dir.File("cert.pem"), "-");
        var (_, errors) = TestConfig.Bind(TestConfig.Minimal, Overrides(settings, secret, dir.File("cert.pem")));
        var line = Assert.Single(errors, e => e.Contains("chown", StringComparison.Ordinal));
        Assert.StartsWith($"{keyPath}: {secret} is owned by uid 65534, not by root (uid 0)", line, StringComparison.Ordinal);
        Assert.Contains($"chown root {secret}", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_daemon_refuses_to_start_with_exit_2_and_the_exact_command()
    {
        using var dir = Repo.NewTempDir();
        File.WriteAllText(dir.File("kavach.json"), TestConfig.Minimal);
        var key = dir.Secret("api.key", Key + "\n");
        Chmod(key, "644"); // what `openssl rand -hex 24 > api.key` leaves under the usual umask
        var env = new Dictionary<string, string> { ["KAVACH_Api__KeyFile"] = key, ["KAVACH_Storage__Path"] = dir.File("k.db") };
        var (code, _, stderr) = await DaemonProcess.RunAsync(dir.Path, TimeSpan.FromSeconds(20), env, "--config", dir.File("kavach.json"));
        Assert.Equal(2, code);
        Assert.Contains(
            $"Api.KeyFile: {key} is open to group or others (mode 0644); a secret must be readable by its owner only: chmod 600 {key}",
            stderr,
            StringComparison.Ordinal
        );
    }

    private static Dictionary<string, string?> Overrides(string[] settings, string secret, string cert)
    {
        var o = new Dictionary<string, string?>();
        for (var i = 0; i < settings.Length; i += 2)
            o[settings[i]] = settings[i + 1] switch
            {
                "FILE" => secret,
                "CERT" => cert,
                var v => v,
            };
        return o;
    }

    private static void Chmod(string path, string octal) => File.SetUnixFileMode(path, (UnixFileMode)Convert.ToInt32(octal, 8));

    private static void Run(string file, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true })!;
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{file} {string.Join(' ', args)}: {p.StandardError.ReadToEnd()}");
    }
}
