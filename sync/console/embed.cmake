# Writes the console's static files into a C++ source as raw strings, so
# the depot program carries them (no files to install, no build step).
# -DOUT=file.cc -DDIR=sync/console
file(READ ${DIR}/console.css CSS)
file(READ ${DIR}/console.js JS)
file(WRITE ${OUT} "// Generated from sync/console/ by sync/console/embed.cmake; do not edit.\n"
  "#include \"sync/src/console_html.h\"\n"
  "namespace anpr::sync::console {\n"
  "const char* const kCss = R\"ANPRCSS(${CSS})ANPRCSS\";\n"
  "const char* const kJs = R\"ANPRJS(${JS})ANPRJS\";\n"
  "}  // namespace anpr::sync::console\n")
