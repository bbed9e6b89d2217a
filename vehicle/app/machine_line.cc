#include "vehicle/app/machine_line.h"

#include <sched.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>

#ifndef ANPR_BUILD_TYPE
#define ANPR_BUILD_TYPE ""
#endif

namespace anpr::cli {
namespace {

std::string Trim(const std::string& s) {
  const size_t begin = s.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  return s.substr(begin, s.find_last_not_of(" \t") - begin + 1);
}

std::string CpuModel() {
  for (const char* key : {"model name", "Model", "Hardware"}) {
    std::string model = ProcFileField("/proc/cpuinfo", key);
    if (!model.empty()) return model;
  }
  return "unknown";
}

// "cpu MHz" is the nominal clock on virtual machines and the current one on
// some bare-metal x86; cpufreq's maximum (kHz) is the fallback for ARM.
std::string CpuMhz() {
  std::string mhz = ProcFileField("/proc/cpuinfo", "cpu MHz");
  if (mhz.empty()) {
    std::ifstream max_khz("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq");
    long khz = 0;
    if (max_khz >> khz && khz > 0) return std::to_string((khz + 500) / 1000);
    return "unknown";
  }
  return std::to_string(std::lround(std::strtod(mhz.c_str(), nullptr)));
}

bool AddressSanitizer() {
#if defined(__SANITIZE_ADDRESS__)
  return true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  return true;
#else
  return false;
#endif
#else
  return false;
#endif
}

}  // namespace

std::string ProcFileField(const std::string& path, const std::string& key) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    const size_t colon = line.find(':');
    if (colon == std::string::npos || Trim(line.substr(0, colon)) != key) continue;
    return Trim(line.substr(colon + 1));
  }
  return "";
}

std::string MachineLine() {
  std::ostringstream out;
  out << "machine: " << CpuModel() << " at " << CpuMhz() << " MHz, " << sysconf(_SC_NPROCESSORS_ONLN)
      << " cores online";
  cpu_set_t usable;
  CPU_ZERO(&usable);
  if (sched_getaffinity(0, sizeof usable, &usable) == 0 && CPU_COUNT(&usable) < sysconf(_SC_NPROCESSORS_ONLN)) {
    out << " (" << CPU_COUNT(&usable) << " usable by this process)";
  }
  std::ifstream loadavg("/proc/loadavg");
  std::string load1 = "unknown";
  loadavg >> load1;
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", &utc);
  const std::string build_type = ANPR_BUILD_TYPE;
  out << ", load average " << load1 << " at start; " << date << "; anpr " << ANPR_VERSION << ", build "
      << (build_type.empty() ? "of no type" : build_type);
#ifndef NDEBUG
  out << ", debug assertions on";
#endif
  if (AddressSanitizer()) out << ", with AddressSanitizer (figures not comparable)";
  if (const char* omp = std::getenv("OMP_THREAD_LIMIT")) out << "; OMP_THREAD_LIMIT " << omp;
  return out.str();
}

}  // namespace anpr::cli
