#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Builds the releases of kavach-edge: native AOT, a .tar.gz and/or a Debian package per runtime.

.DESCRIPTION
    For each runtime identifier, runs `dotnet publish src/Kavach.Edge` in Release with PublishAot (one
    native executable, no JIT, no IL: compiled ahead of time by ILCompiler and linked by clang) and
    InvariantGlobalization, every warning (trim and AOT warnings included) an error. The symbols that
    ILCompiler strips into kavach-edge.dbg (~43 MB) stay out of the archive. Then lays out and packs
    kavach-edge-<version>-<rid>.tar.gz:

        kavach-edge-<version>-<rid>/
          VERSION                version=, runtime=, commit=
          SHA256SUMS             of every file in the archive
          app/                   the native executable and the native libraries it loads for <rid>
                                 (libe_sqlite3.so, libSystem.IO.Ports.Native.so; libonnxruntime.so when
                                 the model stage is in), and
          app/models/            the repo's models/*.onnx and their model cards (may be empty)
          deploy/                kavach-edge.service, 99-kavach.rules, kavach.example.json
          docs/operations.md

    and prints the unpacked and archive sizes. 32-bit ARM (linux-arm, 32-bit Raspberry Pi OS) is not a
    target: ONNX Runtime ships no 32-bit ARM build.

    Native AOT links with the platform's tools: clang, and for linux-arm64 from an x64 machine Debian's
    arm64 cross linker and C library. `sudo bash .ci/aot-toolchain.sh arm64` installs them (x64: `x64`).

    PowerShell 7 on Linux as a .NET tool (no package repository needed):
        dotnet tool install PowerShell --version 7.6.9 --tool-path ~/.tools/pwsh
        ~/.tools/pwsh/pwsh ./publish.ps1

.PARAMETER Runtime
    One or more runtime identifiers: linux-arm64 (Raspberry Pi 3/4/5 with a 64-bit OS, Jetson; the
    default) and linux-x64.

.PARAMETER Version
    The version stamped into the assemblies and the archive name. Default: <Version> from
    Directory.Build.props.

.PARAMETER Output
    Folder for the archives and their unpacked trees. Default: ./artifacts.

.PARAMETER Package
    What to build from each published tree: tar (the .tar.gz above, the default), deb (a Debian package
    kavach-edge_<version>_<arm64|amd64>.deb built with dpkg-deb by deploy/deb/build-deb.sh: the way a fleet
    installs and upgrades, docs/operations.md), or both: -Package tar,deb.

.EXAMPLE
    pwsh ./publish.ps1
    Builds artifacts/kavach-edge-0.1.0-linux-arm64.tar.gz.

.EXAMPLE
    pwsh ./publish.ps1 -Runtime linux-arm64,linux-x64 -Version 0.2.0-rc1 -Output ./release

.EXAMPLE
    pwsh ./publish.ps1 -Runtime linux-arm64,linux-x64 -Package deb
    Builds artifacts/kavach-edge_0.1.0_arm64.deb and artifacts/kavach-edge_0.1.0_amd64.deb.

.NOTES
    Exit code 0 when every archive was built; 1 when a publish failed or printed a warning.
#>
[CmdletBinding()]
param(
    [string[]] $Runtime = @('linux-arm64'),
    [string] $Version,
    [string] $Output = './artifacts',
    [string[]] $Package = @('tar')
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$repo = $PSScriptRoot
$project = Join-Path $repo 'src/Kavach.Edge/Kavach.Edge.csproj'

# `pwsh publish.ps1 -Runtime a,b` from a Unix shell passes one string "a,b": split it ourselves.
$Runtime = @($Runtime | ForEach-Object { $_ -split '[,\s]+' } | Where-Object { $_ })
foreach ($rid in $Runtime) {
    if ($rid -in 'linux-arm', 'linux-armel') { throw "-Runtime ${rid}: 32-bit ARM is not a target (ONNX Runtime ships no 32-bit ARM build); use a 64-bit OS and linux-arm64" }
    if ($rid -notin 'linux-arm64', 'linux-x64') { throw "-Runtime ${rid}: expected linux-arm64 or linux-x64" }
}

if (-not $Version) {
    $props = [xml](Get-Content -Raw (Join-Path $repo 'Directory.Build.props'))
    $Version = ($props.Project.PropertyGroup | ForEach-Object { $_.Version } | Where-Object { $_ } | Select-Object -First 1)
    if (-not $Version) { throw 'no -Version given and no <Version> in Directory.Build.props' }
}
if ($Version -notmatch '^[0-9]+\.[0-9]+\.[0-9]+([-.+][0-9A-Za-z.-]+)?$') { throw "-Version '$Version' is not a version like 1.2.3 or 1.2.3-rc1" }
$commit = (& git -C $repo rev-parse --short HEAD 2>$null) ?? 'unknown'

$Package = @($Package | ForEach-Object { $_ -split '[,\s]+' } | Where-Object { $_ })
foreach ($p in $Package) { if ($p -notin 'tar', 'deb') { throw "-Package ${p}: expected tar or deb" } }
if ('deb' -in $Package -and -not (Get-Command dpkg-deb -ErrorAction SilentlyContinue)) { throw '-Package deb needs dpkg-deb (apt-get install dpkg)' }

# Native AOT links with clang; for linux-arm64 on another architecture also with the arm64 cross linker (binutils).
$hostArm64 = [Runtime.InteropServices.RuntimeInformation]::OSArchitecture -eq 'Arm64'
foreach ($rid in $Runtime) {
    $tools = @('clang') + @(if ($rid -eq 'linux-arm64' -and -not $hostArm64) { 'aarch64-linux-gnu-ld' })
    foreach ($tool in $tools) {
        if (-not (Get-Command $tool -ErrorAction SilentlyContinue)) {
            throw "native AOT for $rid needs ${tool}: sudo bash .ci/aot-toolchain.sh $(if ($rid -eq 'linux-arm64') { 'arm64' } else { 'x64' })"
        }
    }
}
New-Item -ItemType Directory -Force -Path $Output | Out-Null
$Output = (Resolve-Path $Output).Path

function Format-Size([long] $bytes) { '{0:0.0} MB' -f ($bytes / 1MB) }

$results = foreach ($rid in $Runtime) {
    $name = "kavach-edge-$Version-$rid"
    $stage = Join-Path $Output $name
    $app = Join-Path $stage 'app'
    if (Test-Path $stage) { Remove-Item -Recurse -Force $stage }
    New-Item -ItemType Directory -Force -Path $app | Out-Null

    Write-Host "==> publish $rid ($Version, $commit)"
    $log = & dotnet publish $project -c Release -r $rid -o $app `
        -p:PublishAot=true -p:InvariantGlobalization=true `
        -p:TreatWarningsAsErrors=true -p:ILLinkTreatWarningsAsErrors=true -p:TrimmerSingleWarn=false `
        -p:DebugType=none -p:DebugSymbols=false -p:GenerateDocumentationFile=false `
        -p:Version=$Version -p:SourceRevisionId=$commit -warnaserror -nologo 2>&1
    $log | ForEach-Object { Write-Host "    $_" }
    if ($LASTEXITCODE -ne 0) { Write-Error "dotnet publish failed for $rid"; exit 1 }
    $warnings = @($log | Where-Object { "$_" -match ': warning [A-Z]+[0-9]+' })
    if ($warnings.Count -gt 0) { Write-Error "dotnet publish printed $($warnings.Count) warning(s) for ${rid}: a native AOT daemon must build clean"; exit 1 }
    # ILCompiler's stripped symbols (kavach-edge.dbg, twice the executable) and any .pdb serve a debugger, not a board
    Get-ChildItem -Path $app -File | Where-Object { $_.Extension -in '.dbg', '.pdb' } | Remove-Item -Force

    # models: the .onnx files and their cards, not the training code
    $models = New-Item -ItemType Directory -Force -Path (Join-Path $app 'models')
    $repoModels = Join-Path $repo 'models'
    if (Test-Path $repoModels) {
        Get-ChildItem -Path $repoModels -File | Where-Object { $_.Extension -in '.onnx', '.md', '.json' } |
            Copy-Item -Destination $models
    }

    $deploy = New-Item -ItemType Directory -Force -Path (Join-Path $stage 'deploy')
    Copy-Item (Join-Path $repo 'deploy/systemd/kavach-edge.service') $deploy
    Copy-Item (Join-Path $repo 'deploy/udev/99-kavach.rules') $deploy
    Copy-Item (Join-Path $repo 'deploy/kavach.example.json') $deploy
    $docs = New-Item -ItemType Directory -Force -Path (Join-Path $stage 'docs')
    if (Test-Path (Join-Path $repo 'docs/operations.md')) { Copy-Item (Join-Path $repo 'docs/operations.md') $docs }
    Set-Content -Path (Join-Path $stage 'VERSION') -Value "version=$Version`nruntime=$rid`ncommit=$commit" -NoNewline:$false
    & chmod 0755 (Join-Path $app 'kavach-edge')

    # SHA256SUMS in sha256sum's format, paths relative to the archive folder
    $files = Get-ChildItem -Path $stage -Recurse -File | Sort-Object FullName
    $sums = foreach ($f in $files) {
        $rel = [IO.Path]::GetRelativePath($stage, $f.FullName)
        '{0}  {1}' -f (Get-FileHash -Algorithm SHA256 $f.FullName).Hash.ToLowerInvariant(), $rel
    }
    Set-Content -Path (Join-Path $stage 'SHA256SUMS') -Value $sums

    $archive = Join-Path $Output "$name.tar.gz"
    $archiveHash = ''
    if ('tar' -in $Package) {
        if (Test-Path $archive) { Remove-Item -Force $archive }
        & tar --sort=name --owner=0 --group=0 --numeric-owner -C $Output -czf $archive $name
        if ($LASTEXITCODE -ne 0) { Write-Error "tar failed for $rid"; exit 1 }
        $archiveHash = (Get-FileHash -Algorithm SHA256 $archive).Hash.ToLowerInvariant()
        Set-Content -Path "$archive.sha256" -Value "$archiveHash  $name.tar.gz"
    }
    $deb = $null
    if ('deb' -in $Package) {
        $arch = if ($rid -eq 'linux-arm64') { 'arm64' } else { 'amd64' }
        $deb = & bash (Join-Path $repo 'deploy/deb/build-deb.sh') --app $app --arch $arch --out $Output --version $Version --commit $commit
        if ($LASTEXITCODE -ne 0) { Write-Error "build-deb failed for $rid"; exit 1 }
    }

    $unpacked = ($files | Measure-Object -Property Length -Sum).Sum
    $appSize = (Get-ChildItem -Path $app -Recurse -File | Measure-Object -Property Length -Sum).Sum
    [pscustomobject]@{
        Runtime  = $rid
        Archive  = $archive
        Unpacked = Format-Size $unpacked
        App      = Format-Size $appSize
        TarGz    = if ('tar' -in $Package) { Format-Size (Get-Item $archive).Length } else { '-' }
        Sha256   = if ($archiveHash) { $archiveHash.Substring(0, 16) } else { '-' }
        Deb      = if ($deb) { Format-Size (Get-Item $deb).Length } else { '-' }
    }
}

$results | Format-Table -AutoSize | Out-String | Write-Host
foreach ($r in $results) { Write-Host "size $($r.Runtime): unpacked $($r.Unpacked), archive $($r.TarGz), deb $($r.Deb)" }
exit 0
