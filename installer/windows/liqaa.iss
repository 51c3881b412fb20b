; Inno Setup 6 script for Liqaa (لقاء). Needs Inno Setup 6.5 or newer (its
; Arabic.isl ships with the compiler from 6.5 on). See README.md beside this.
;
; Build the app first (on Windows): python installer\build.py
; then:                              iscc installer\windows\liqaa.iss
; Output: dist\liqaa-<version>-setup.exe
;
; Paths are relative to this file. AppVersion must equal pyproject.toml's
; version (a test checks); `iscc /DAppVersion=x.y.z` overrides it.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#ifndef DistDir
  ; the PyInstaller one-folder bundle made by installer\build.py
  #define DistDir "..\..\dist\liqaa"
#endif
#define AppName "Liqaa"
#define AppExe "liqaa.exe"
#define Scheme "liqaa"

[Setup]
; AppId identifies the app for upgrades and uninstall: never change it.
AppId={{67794EF7-CD01-4138-988E-6E962D46234A}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Liqaa developers
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; Installs for the current user without admin rights by default; the user may
; choose "all users" (then {autopf} is Program Files and HKA is HKLM).
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=liqaa-{#AppVersion}-setup
SetupIconFile=..\..\resources\icons\liqaa.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ShowLanguageDialog=auto
CloseApplications=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"
Name: "arabic"; MessagesFile: "compiler:Languages\Arabic.isl"

[CustomMessages]
english.ProtocolName=Liqaa meeting link
arabic.ProtocolName=رابط اجتماع لقاء
english.AppComment=Video meetings where the host is in control
arabic.AppComment=اجتماعات فيديو يتحكم فيها المضيف

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#DistDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "{cm:AppComment}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "{cm:AppComment}"; Tasks: desktopicon

[Registry]
; liqaa:// links open the app: Software\Classes\liqaa under HKCU (per-user
; install) or HKLM (all users), which Windows merges into HKCR.
Root: HKA; Subkey: "Software\Classes\{#Scheme}"; ValueType: string; ValueName: ""; ValueData: "URL:{cm:ProtocolName}"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\{#Scheme}"; ValueType: string; ValueName: "URL Protocol"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\{#Scheme}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"",0"
Root: HKA; Subkey: "Software\Classes\{#Scheme}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; files the app may leave in its own folder (settings live in the user's
; profile and are kept)
Type: filesandordirs; Name: "{app}\_internal\__pycache__"
