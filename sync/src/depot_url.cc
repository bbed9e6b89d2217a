#include "sync/depot_url.h"

#include <curl/curl.h>

#include <algorithm>
#include <memory>

namespace anpr::sync {
namespace {

struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};

// One part of a parsed URL; empty when absent.
std::string Part(CURLU* u, CURLUPart part) {
  char* text = nullptr;
  if (curl_url_get(u, part, &text, 0) != CURLUE_OK || text == nullptr) return std::string();
  std::string out = text;
  curl_free(text);
  return out;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

Status CheckDepotUrl(const std::string& url) {
  std::unique_ptr<CURLU, UrlDeleter> u(curl_url());
  if (!u) return Internal("cannot allocate a URL parser");
  // No scheme guessing, no unknown schemes: the text must say what it is.
  if (const CURLUcode rc = curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0); rc != CURLUE_OK)
    return InvalidArgument(std::string("does not parse as a URL: ") + curl_url_strerror(rc));
  const std::string scheme = Lower(Part(u.get(), CURLUPART_SCHEME));
  const std::string host = Lower(Part(u.get(), CURLUPART_HOST));
  if (!Part(u.get(), CURLUPART_USER).empty() || !Part(u.get(), CURLUPART_PASSWORD).empty() ||
      !Part(u.get(), CURLUPART_OPTIONS).empty())
    return InvalidArgument("must not carry a user name or password (before '@')");
  if (!Part(u.get(), CURLUPART_QUERY).empty() || !Part(u.get(), CURLUPART_FRAGMENT).empty())
    return InvalidArgument("must not carry a query or fragment");
  if (host.empty()) return InvalidArgument("has no host");
  if (scheme == "https") return Status::Ok();
  if (scheme == "http" && (host == "localhost" || host == "127.0.0.1" || host == "[::1]")) return Status::Ok();
  return InvalidArgument("must be https:// (plain http only to localhost, 127.0.0.1 or [::1]; host here: " + host + ")");
}

}  // namespace anpr::sync
