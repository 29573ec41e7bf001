; Inno Setup script for the Windows installer (built by .github/workflows/bundle.yml):
;   iscc /DVersion=0.1.0 packaging\windows\hearth.iss
; Installs the PyInstaller folder bundle/hearth per user (no administrator rights needed), with a
; Start menu entry for Hearth.exe (no console window) and hearth.exe on the command line.
#ifndef Version
  #error Pass the version: iscc /DVersion=X.Y.Z
#endif

[Setup]
AppId=io.github.hearth.Hearth
AppName=Hearth
AppVersion={#Version}
AppPublisher=Hearth developers
DefaultDirName={localappdata}\Programs\Hearth
DefaultGroupName=Hearth
PrivilegesRequired=lowest
ChangesEnvironment=yes
OutputDir=..\..\dist
OutputBaseFilename=Hearth-{#Version}-windows-x64-setup
UninstallDisplayIcon={app}\Hearth.exe
Compression=lzma2/max
SolidCompression=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
WizardStyle=modern

[Files]
Source: "..\..\bundle\hearth\*"; DestDir: "{app}"; Flags: recursesubdirs createallsubdirs ignoreversion

[Icons]
Name: "{group}\Hearth"; Filename: "{app}\Hearth.exe"
Name: "{userdesktop}\Hearth"; Filename: "{app}\Hearth.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "Create a desktop icon"; Flags: unchecked

[Registry]
; hearth.exe on the user's PATH for the CLI (hearth ask ..., hearth docs ...)
Root: HKCU; Subkey: "Environment"; ValueType: expandsz; ValueName: "Path"; ValueData: "{olddata};{app}"; Check: NeedsAddPath(ExpandConstant('{app}'))

[Run]
Filename: "{app}\Hearth.exe"; Description: "Start Hearth"; Flags: nowait postinstall skipifsilent

[Code]
function NeedsAddPath(Dir: string): Boolean;
var
  Path: string;
begin
  if not RegQueryStringValue(HKEY_CURRENT_USER, 'Environment', 'Path', Path) then
    Result := True
  else
    Result := Pos(';' + Uppercase(Dir) + ';', ';' + Uppercase(Path) + ';') = 0;
end;
