@echo off
rem Runs analyzer on Windows: the analyzer.jar beside this file (the copy handed out: analyzer.jar, analyzer,
rem analyzer.cmd), else target\analyzer.jar in a checkout (build it with: mvn -B package). Needs Java 17 or later,
rem and Npcap (https://npcap.com, with "Support loopback traffic capture") to capture.
setlocal
set "here=%~dp0"
set "jar=%here%analyzer.jar"
if not exist "%jar%" set "jar=%here%target\analyzer.jar"
if not exist "%jar%" (
  echo analyzer: no analyzer.jar beside %~nx0: build it with "mvn -B package" in the checkout, or put it here 1>&2
  exit /b 2
)
where java >nul 2>nul
if errorlevel 1 (
  echo analyzer: Java 17 or later is needed, and 'java' is not on the PATH: https://adoptium.net 1>&2
  exit /b 2
)
rem -Danalyzer.launcher: the commands the tool suggests start the way it was called.
java -XX:+UseSerialGC "-Danalyzer.launcher=%~n0" %ANALYZER_JAVA_OPTS% -jar "%jar%" %*
exit /b %ERRORLEVEL%
