; Inno Setup script: the Windows installer for a counter workstation.
;
; On a Windows build machine with Python 3.11 and Inno Setup 6:
;   py -3.11 -m venv .venv
;   .venv\Scripts\pip install -e .[installer]
;   .venv\Scripts\pyinstaller --noconfirm --clean --distpath installer\dist ^
;       --workpath installer\work installer\cashdesk.spec
;   installer\dist\cashdesk\cashdesk-cli.exe --version
;   "%ProgramFiles(x86)%\Inno Setup 6\ISCC.exe" /DAppVersion=0.1.0 installer\cashdesk.iss
; gives installer\dist\cashdesk-0.1.0-setup.exe.
;
; It installs the PyInstaller folder into Program Files (per machine), a Start menu entry and
; an optional desktop shortcut. The workstation's config, store, backups and logs live in the
; user's folders (platformdirs: %LOCALAPPDATA%\cashdesk\...), never under Program Files, so an
; upgrade (the same AppId, run over the old version) replaces the program and keeps them; the
; store is backed up and migrated at the next start. Uninstalling leaves them too.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif

[Setup]
AppId={{6E0C6C7B-6B1D-4C55-9B8E-2F3C1D4A9E10}
AppName=cashdesk
AppVersion={#AppVersion}
AppVerName=cashdesk {#AppVersion}
AppPublisher=City of Riverbend
DefaultDirName={autopf}\cashdesk
DefaultGroupName=cashdesk
DisableProgramGroupPage=yes
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=dist
OutputBaseFilename=cashdesk-{#AppVersion}-setup
SetupIconFile=windows\cashdesk.ico
UninstallDisplayIcon={app}\cashdesk.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; A running cashdesk holds its store: ask it to close before files are replaced.
CloseApplications=yes
RestartApplications=no

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
; The whole one-folder bundle; files of an older version that this one no longer has are
; removed first, so nothing stale is loaded.
Source: "dist\cashdesk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{autoprograms}\cashdesk"; Filename: "{app}\cashdesk.exe"; Comment: "Cashiering for the finance counter"
Name: "{autoprograms}\cashdesk diagnostics"; Filename: "{app}\cashdesk-cli.exe"; Parameters: "--diagnostics --out ""{userdesktop}\cashdesk-diagnostics.zip"""; Comment: "Write a support bundle to the desktop"
Name: "{autodesktop}\cashdesk"; Filename: "{app}\cashdesk.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\cashdesk.exe"; Description: "{cm:LaunchProgram,cashdesk}"; Flags: nowait postinstall skipifsilent
