#Requires -RunAsAdministrator
<#
.SYNOPSIS
  Registers a Task Scheduler task that runs `intune-codesign upload` hourly as a service account.

.DESCRIPTION
  The Windows counterpart of examples/systemd and examples/cron (README: Install, Windows).
  First install the package for all users, with an explicit prefix (npm's default global prefix on Windows is
  the installing user's %APPDATA%\npm, which the service account cannot read):
    npm install -g --prefix "C:\Program Files\intune-codesign" .\intune-codesign-0.2.0.tgz

  The script then
  - creates the state folder (SQLite state store and its lock, report, log) with an ACL that lets in only
    SYSTEM, Administrators and the service account (Node.js ignores the 0700 and 0600 modes on Windows: the
    store, its lock and the report inherit this ACL);
  - writes the client secret (asked for, never on the command line) to a file that only the service account
    can read: UTF-8 without a byte-order mark, one line, as `openssl -passin file:` reads it;
  - registers the task: hourly, one run at a time (the tool's own lock would exit 4 anyway), stopped after
    50 minutes. Windows has no SIGTERM: stopping the task ends the process at once; the state store is
    transactional, so the next run carries on.

  Not tested on Windows by this repository's CI (README: Windows).

.EXAMPLE
  # A group managed service account (no password to keep): the name ends with "$".
  .\register-task.ps1 -ServiceAccount 'CONTOSO\gmsa-intune$' -TenantId 00000000-0000-0000-0000-000000000000 `
      -ClientId 11111111-1111-1111-1111-111111111111 -CertificateFolder 'D:\code-signing-certificates'

.EXAMPLE
  # A domain or local account: its password is asked for, and Task Scheduler keeps it.
  .\register-task.ps1 -ServiceAccount 'CONTOSO\svc-intune-codesign' -TenantId … -ClientId … -CertificateFolder …
#>
[CmdletBinding()]
param(
  [Parameter(Mandatory)] [string] $ServiceAccount,
  [Parameter(Mandatory)] [string] $TenantId,
  [Parameter(Mandatory)] [string] $ClientId,
  [Parameter(Mandatory)] [string] $CertificateFolder,
  [string] $InstallPrefix = "$env:ProgramFiles\intune-codesign",
  [string] $StateFolder = "$env:ProgramData\intune-codesign",
  [string] $TaskName = 'intune-codesign upload'
)
$ErrorActionPreference = 'Stop'

$node = (Get-Command node.exe).Source
# The launcher itself, run by node.exe: no npm .cmd shim between Task Scheduler and the exit code.
$cli = Join-Path $InstallPrefix 'node_modules\intune-codesign\bin\intune-codesign.js'
if (-not (Test-Path -LiteralPath $cli)) { throw "intune-codesign is not installed under $InstallPrefix (see the help)" }

# The state folder: SYSTEM and Administrators manage it, the service account writes it, nobody else gets in.
New-Item -ItemType Directory -Force -Path $StateFolder | Out-Null
& icacls.exe $StateFolder /inheritance:r /grant:r '*S-1-5-18:(OI)(CI)F' '*S-1-5-32-544:(OI)(CI)F' "${ServiceAccount}:(OI)(CI)M" | Out-Null
if ($LASTEXITCODE -ne 0) { throw "icacls failed on $StateFolder" }

# The secret file: written, then its ACL reduced to read access for the service account alone.
$secretFile = Join-Path $StateFolder 'client-secret'
$secret = Read-Host -AsSecureString -Prompt "Client secret of app $ClientId"
$plain = [Runtime.InteropServices.Marshal]::PtrToStringBSTR([Runtime.InteropServices.Marshal]::SecureStringToBSTR($secret))
[IO.File]::WriteAllText($secretFile, $plain, [Text.UTF8Encoding]::new($false))
Remove-Variable plain
& icacls.exe $secretFile /inheritance:r /grant:r "${ServiceAccount}:R" | Out-Null
if ($LASTEXITCODE -ne 0) { throw "icacls failed on $secretFile" }

# The upload command line, one argument per element (flags as in examples/systemd; README: upload).
$uploadArguments = @(
  'upload'
  '--tenant-id'
  $TenantId
  '--client-id'
  $ClientId
  '--client-secret-file'
  $secretFile
  '--state'
  "$StateFolder\state.db"
  '--report'
  "$StateFolder\last-report.json"
  '--log-level'
  'info'
  $CertificateFolder
)
# cmd.exe keeps the JSON log lines (stderr) in a file; its exit code is the tool's (0 synced, 1 some item
# failed, 2 configuration, 3 authentication, 4 lock held), which Task Scheduler shows as the last run result.
$quoted = ($uploadArguments | ForEach-Object { '"' + $_ + '"' }) -join ' '
$command = '/d /s /c ""' + $node + '" "' + $cli + '" ' + $quoted + ' >nul 2>>"' + "$StateFolder\upload.log" + '""'
$action = New-ScheduledTaskAction -Execute "$env:SystemRoot\System32\cmd.exe" -Argument $command -WorkingDirectory $StateFolder
$trigger = New-ScheduledTaskTrigger -Once -At (Get-Date).Date -RepetitionInterval (New-TimeSpan -Hours 1) -RandomDelay (New-TimeSpan -Minutes 5)
$settings = New-ScheduledTaskSettingsSet -MultipleInstances IgnoreNew -ExecutionTimeLimit (New-TimeSpan -Minutes 50) -StartWhenAvailable

if ($ServiceAccount.EndsWith('$')) {
  # A gMSA: Task Scheduler fetches its password from Active Directory.
  $principal = New-ScheduledTaskPrincipal -UserId $ServiceAccount -LogonType Password -RunLevel Limited
  Register-ScheduledTask -TaskName $TaskName -Action $action -Trigger $trigger -Settings $settings -Principal $principal -Force | Out-Null
} else {
  # The account needs the "Log on as a batch job" right (secpol.msc, Local Policies, User Rights Assignment).
  $credential = Get-Credential -UserName $ServiceAccount -Message "Password of $ServiceAccount (kept by Task Scheduler)"
  Register-ScheduledTask -TaskName $TaskName -Action $action -Trigger $trigger -Settings $settings -RunLevel Limited `
    -User $ServiceAccount -Password $credential.GetNetworkCredential().Password -Force | Out-Null
}
Write-Host "Registered '$TaskName' as $ServiceAccount. Run it now: Start-ScheduledTask -TaskName '$TaskName'"
