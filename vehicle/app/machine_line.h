// The machine a figure was measured on. Every command and developer tool that
// prints speed figures (`anpr bench`, `anpr bench-unit`, `anpr lines bench`,
// tests/recognition/drive_trace) prints MachineLine() before them, so a
// figure is never read without the CPU, core count and build it came from
// (issue 12: the README once quoted 13.9 ms from another machine).
#pragma once

#include <string>

namespace anpr::cli {

// One line, no trailing newline:
//   machine: AMD EPYC at 2596 MHz, 2 cores online, load average 0.22 at
//   start; 2026-12-07 23:10 UTC; anpr 0.1.0, build Release
// The CPU model is /proc/cpuinfo's "model name" (ARM boards: "Model" or
// "Hardware"), the MHz its "cpu MHz" (else cpufreq's maximum); either is
// "unknown" when the machine does not say. Cores are those online; when
// this process may use fewer (CPU affinity), that count follows in
// brackets. The build is CMake's build type, followed by "debug assertions
// on" when NDEBUG is not defined and by the sanitizer when one is built in:
// figures from such builds are not comparable with Release ones.
std::string MachineLine();

// The value of the "Key: value" line of a /proc-style file whose key (the
// text before the first ':', surrounding blanks trimmed) is `key`, with
// leading blanks removed; "" when the file or the key is absent.
std::string ProcFileField(const std::string& path, const std::string& key);

}  // namespace anpr::cli
