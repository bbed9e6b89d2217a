// Fuzzes every parser the depot and the car run on bytes from the network
// or an administrator's file: upload batches, answers, hotlist CSV.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sync/base64.h"
#include "sync/protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 9) {
    case 0: {
      auto r = anpr::sync::ParseReads(body);
      if (r.ok()) (void)anpr::sync::EncodeReads(*r);  // what parses must re-encode
      break;
    }
    case 1: {
      auto h = anpr::sync::ParseHits(body);
      if (h.ok()) (void)anpr::sync::EncodeHits(*h);
      break;
    }
    case 2: (void)anpr::sync::ParseAudit(body); break;
    case 3: (void)anpr::sync::ParseAck(body); break;
    case 4: {
      auto u = anpr::sync::ParseHotlistUpdate(body);
      if (u.ok()) (void)anpr::sync::EncodeHotlistUpdate(*u);
      break;
    }
    case 5: {
      auto e = anpr::sync::ParseHotlistCsv(body);
      if (e.ok()) {
        anpr::sync::HotlistUpdate u;
        u.lists.push_back({"L", 0, 1, true, *e, {}});
        (void)anpr::sync::EncodeHotlistUpdate(u);
      }
      break;
    }
    case 6: {
      std::vector<uint8_t> out;
      if (anpr::sync::Base64Decode(body, &out)) (void)anpr::sync::Base64Encode(out);
      break;
    }
    case 7: {
      auto w = anpr::sync::ParseWanted(body);
      if (w.ok()) (void)anpr::sync::EncodeWanted(*w);
      break;
    }
    default: (void)anpr::sync::ParseRead(body); break;
  }
  return 0;
}
