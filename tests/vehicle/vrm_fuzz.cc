// Any bytes in, a VRM of A-Z and 0-9 only out, and normalising is idempotent.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "vehicle/records/vrm.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const std::string out = anpr::NormaliseVrm(in);
  for (char c : out) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) std::abort();
  }
  if (anpr::NormaliseVrm(out) != out) std::abort();
  return 0;
}
