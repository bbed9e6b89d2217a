#include "sync/base64.h"

#include <array>

namespace anpr::sync {

namespace {
constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
}  // namespace

void Base64Append(const std::vector<uint8_t>& in, std::string* out) {
  std::size_t o = out->size();
  out->resize(o + (in.size() + 2) / 3 * 4);
  char* d = out->data();
  const uint8_t* s = in.data();
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const uint32_t v = (uint32_t(s[i]) << 16) | (uint32_t(s[i + 1]) << 8) | s[i + 2];
    d[o] = kB64[(v >> 18) & 63];
    d[o + 1] = kB64[(v >> 12) & 63];
    d[o + 2] = kB64[(v >> 6) & 63];
    d[o + 3] = kB64[v & 63];
    o += 4;
  }
  if (i < in.size()) {
    uint32_t v = uint32_t(s[i]) << 16;
    if (i + 1 < in.size()) v |= uint32_t(s[i + 1]) << 8;
    d[o] = kB64[(v >> 18) & 63];
    d[o + 1] = kB64[(v >> 12) & 63];
    d[o + 2] = i + 1 < in.size() ? kB64[(v >> 6) & 63] : '=';
    d[o + 3] = '=';
  }
}

std::string Base64Encode(const std::vector<uint8_t>& in) {
  std::string out;
  Base64Append(in, &out);
  return out;
}

bool Base64Decode(std::string_view text, std::vector<uint8_t>* out) {
  // One table per position of a quad, the 6 bits already shifted in place;
  // a character outside the alphabet sets bit 24, so a quad is checked once.
  struct Tables {
    std::array<uint32_t, 256> t[4];
  };
  static const Tables kRev = [] {
    Tables x;
    for (auto& t : x.t) t.fill(1u << 24);
    for (uint32_t k = 0; k < 64; ++k) {
      const auto c = static_cast<unsigned char>(kB64[k]);
      x.t[0][c] = k << 18;
      x.t[1][c] = k << 12;
      x.t[2][c] = k << 6;
      x.t[3][c] = k;
    }
    return x;
  }();
  out->clear();
  const std::size_t n = text.size();
  if (n % 4 != 0) return false;
  if (n == 0) return true;
  // Padding only at the very end: "xx==" or "xxx=".
  int pad = 0;
  if (text[n - 1] == '=') {
    pad = text[n - 2] == '=' ? 2 : 1;
  } else if (text[n - 2] == '=') {
    return false;  // "x=y=" style garbage
  }
  out->resize(n / 4 * 3 - static_cast<std::size_t>(pad));
  uint8_t* d = out->data();
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const auto &t0 = kRev.t[0], &t1 = kRev.t[1], &t2 = kRev.t[2], &t3 = kRev.t[3];
  const std::size_t full = pad ? n - 4 : n;
  std::size_t o = 0;
  for (std::size_t i = 0; i < full; i += 4, o += 3) {
    const uint32_t v = t0[s[i]] | t1[s[i + 1]] | t2[s[i + 2]] | t3[s[i + 3]];
    if (v >> 24) {
      out->clear();
      return false;
    }
    d[o] = uint8_t(v >> 16);
    d[o + 1] = uint8_t(v >> 8);
    d[o + 2] = uint8_t(v);
  }
  if (pad) {
    const std::size_t i = n - 4;
    const uint32_t v = t0[s[i]] | t1[s[i + 1]] | (pad == 1 ? t2[s[i + 2]] : 0u);
    if (v >> 24) {
      out->clear();
      return false;
    }
    d[o] = uint8_t(v >> 16);
    if (pad == 1) d[o + 1] = uint8_t(v >> 8);
  }
  return true;
}

}  // namespace anpr::sync
