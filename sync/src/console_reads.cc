// The console's Reads page: an investigator's search (a VRM, exact or with
// '?' wildcards, and a reason of at least 10 characters), run through the
// depot store's own search so it is audited with who and why, and the
// results with both images and their positions on a map: tiles from the
// configured tile URL, or a plain scaled grid when none is set.
#include <algorithm>
#include <cmath>

#include "sync/base64.h"
#include "sync/src/console_html.h"
#include "vehicle/records/reason.h"

namespace anpr::sync::console {
namespace {

constexpr std::size_t kMaxResults = 200;
constexpr int kMapW = 640, kMapH = 400, kTile = 256;

// `a` with `decimals` digits after the point.
std::string Fmt(int decimals, double a) {
  char b[48];
  std::snprintf(b, sizeof b, "%.*f", decimals, a);
  return b;
}

struct Point {
  double lat, lon;
  std::string label;
};

// Web Mercator: world pixel x, y at zoom z.
double WorldX(double lon, int z) { return (lon + 180.0) / 360.0 * kTile * std::ldexp(1.0, z); }
double WorldY(double lat, int z) {
  const double s = std::sin(lat * M_PI / 180.0);
  return (0.5 - std::log((1 + s) / (1 - s)) / (4 * M_PI)) * kTile * std::ldexp(1.0, z);
}

// The positions over tiles of `tile_url` ({z}/{x}/{y}) at the largest zoom
// that holds them all.
std::string TileMap(const std::vector<Point>& pts, const std::string& tile_url) {
  double x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  int z = 17;
  for (; z > 0; --z) {
    x0 = y0 = 1e18;
    x1 = y1 = -1e18;
    for (const auto& p : pts) {
      x0 = std::min(x0, WorldX(p.lon, z)), x1 = std::max(x1, WorldX(p.lon, z));
      y0 = std::min(y0, WorldY(p.lat, z)), y1 = std::max(y1, WorldY(p.lat, z));
    }
    if (x1 - x0 <= kMapW - 40 && y1 - y0 <= kMapH - 40) break;
  }
  const double ox = (x0 + x1) / 2 - kMapW / 2.0, oy = (y0 + y1) / 2 - kMapH / 2.0;
  std::string svg = "<svg class=map id=map width=" + std::to_string(kMapW) + " height=" + std::to_string(kMapH) + ">";
  for (int tx = static_cast<int>(std::floor(ox / kTile)); tx * kTile < ox + kMapW; ++tx) {
    for (int ty = static_cast<int>(std::floor(oy / kTile)); ty * kTile < oy + kMapH; ++ty) {
      std::string u = tile_url;
      for (auto [k, v] : {std::pair<std::string, int>{"{z}", z}, {"{x}", tx}, {"{y}", ty}})
        if (auto at = u.find(k); at != std::string::npos) u.replace(at, k.size(), std::to_string(v));
      svg += "<image href=\"" + Esc(u) + "\" x=\"" + Fmt(1, tx * kTile - ox) + "\" y=\"" +
             Fmt(1, ty * kTile - oy) + "\" width=256 height=256 />";
    }
  }
  for (const auto& p : pts)
    svg += "<circle r=5 cx=\"" + Fmt(1, WorldX(p.lon, z) - ox) + "\" cy=\"" + Fmt(1, WorldY(p.lat, z) - oy) +
           "\"><title>" + Esc(p.label) + "</title></circle>";
  return svg + "</svg>";
}

// The positions on a plain grid scaled to their extent (equirectangular,
// longitude shrunk by cos(latitude)), with the grid lines' degrees: needs
// no network.
std::string GridMap(const std::vector<Point>& pts) {
  double la0 = 90, la1 = -90, lo0 = 180, lo1 = -180;
  for (const auto& p : pts) la0 = std::min(la0, p.lat), la1 = std::max(la1, p.lat), lo0 = std::min(lo0, p.lon), lo1 = std::max(lo1, p.lon);
  const double k = std::cos((la0 + la1) / 2 * M_PI / 180.0);
  const double span = std::max({(la1 - la0), (lo1 - lo0) * k, 0.002}) * 1.2;  // at least ~200 m
  const double scale = std::min(kMapW, kMapH) / span;                          // px per degree of latitude
  const double cla = (la0 + la1) / 2, clo = (lo0 + lo1) / 2;
  auto px = [&](double lon) { return kMapW / 2.0 + (lon - clo) * k * scale; };
  auto py = [&](double lat) { return kMapH / 2.0 - (lat - cla) * scale; };
  std::string svg = "<svg class=map id=map width=" + std::to_string(kMapW) + " height=" + std::to_string(kMapH) + ">";
  const double step = span / 4;
  for (int i = -3; i <= 3; ++i) {
    const double lat = cla + i * step, lon = clo + i * step / k;
    svg += "<line class=grid x1=0 x2=" + std::to_string(kMapW) + " y1=\"" + Fmt(1, py(lat)) + "\" y2=\"" +
           Fmt(1, py(lat)) + "\" /><text x=2 y=\"" + Fmt(1, py(lat) - 2) + "\">" + Fmt(4, lat) + "</text>";
    svg += "<line class=grid y1=0 y2=" + std::to_string(kMapH) + " x1=\"" + Fmt(1, px(lon)) + "\" x2=\"" +
           Fmt(1, px(lon)) + "\" /><text y=" + std::to_string(kMapH - 2) + " x=\"" + Fmt(1, px(lon) + 2) + "\">" +
           Fmt(4, lon) + "</text>";
  }
  for (const auto& p : pts)
    svg += "<circle r=5 cx=\"" + Fmt(1, px(p.lon)) + "\" cy=\"" + Fmt(1, py(p.lat)) + "\"><title>" +
           Esc(p.label) + "</title></circle>";
  return svg + "</svg>";
}

std::string Img(const std::vector<uint8_t>& jpeg, const char* cls) {
  if (jpeg.empty()) return "-";
  return std::string("<img class=") + cls + " alt=\"" + cls + "\" src=\"data:image/jpeg;base64," +
         Base64Encode(jpeg) + "\">";
}

}  // namespace

std::string ReadsPage(const PageContext& c, const httplib::Request& req) {
  std::string vrm;
  for (char ch : req.get_param_value("vrm"))
    if (ch != ' ') vrm.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(ch))));
  const std::string reason = req.get_param_value("reason");
  std::string body = "<form class=box method=get action=/console/reads>" + CsrfField(c) +
                     "<label>VRM (exact, or ? for any one character) <input type=text name=vrm id=vrm value=\"" +
                     Esc(vrm) + "\"></label><label>Reason (recorded with your name) <input type=text name=reason "
                     "id=reason value=\"" + Esc(reason) + "\"></label><span class=count id=reason-count></span><br>"
                     "<button type=submit id=search>Search</button></form>";
  if (!req.has_param("vrm") && !req.has_param("reason")) return Page(c, "Reads search", "/console/reads", body);
  // A search is recorded under this person's name: it must come from this
  // session's own form.
  if (req.get_param_value("csrf") != c.session.csrf_token)
    return Page(c, "Reads search", "/console/reads", body + "<p class=error id=search-error>The search form was not this session's; search again.</p>");
  std::string error;
  if (!IsVrmPattern(vrm)) error += "VRM: give letters and digits, with ? for any one character. ";
  if (Status r = ValidateReason(reason); !r.ok() || reason.size() > 1000)
    error += "Reason: " + (r.ok() ? std::string("at most 1000 characters") : r.message());
  if (!error.empty())
    return Page(c, "Reads search", "/console/reads", body + "<p class=error id=search-error>" + Esc(error) +
                                                         " Nothing was searched.</p>");
  SearchQuery q;
  q.vrm = vrm;
  q.reason = reason;
  q.investigator = c.session.user;
  q.limit = kMaxResults;
  q.with_images = true;
  auto reads = c.depot->SearchReads(q);
  if (!reads.ok())
    return Page(c, "Reads search", "/console/reads", body + "<p class=error>" + Esc(reads.status().ToString()) + "</p>");
  std::vector<Point> pts;
  std::string rows;
  for (const auto& r : *reads) {
    const bool placed = std::isfinite(r.position.lat_deg) && std::isfinite(r.position.lon_deg);
    if (placed) pts.push_back({r.position.lat_deg, r.position.lon_deg, r.vrm + " " + Time(r.captured_at_utc_ms)});
    rows += "<tr class=read><td>" + Esc(r.vrm) + "</td><td>" + Time(r.captured_at_utc_ms) + "</td><td>" +
            Esc(r.camera_id) + "</td><td>" + Esc(r.unit_id) + "</td><td>" +
            (placed ? Fmt(5, r.position.lat_deg) + ", " + Fmt(5, r.position.lon_deg) : std::string("no fix")) +
            "</td><td>" + Img(r.plate_jpeg, "plate") + "</td><td>" + Img(r.overview_jpeg, "overview") + "</td></tr>";
  }
  body += "<p id=search-summary>" + std::to_string(reads->size()) + " reads of " + Esc(vrm) +
          (reads->size() == kMaxResults ? " (the first " + std::to_string(kMaxResults) + ")" : std::string()) +
          "; this search is recorded with your name and reason.</p>";
  if (!pts.empty()) body += c.options->tile_url.empty() ? GridMap(pts) : TileMap(pts, c.options->tile_url);
  body += "<table id=reads><tr><th>VRM</th><th>Time</th><th>Camera</th><th>Vehicle</th><th>Position</th>"
          "<th>Plate</th><th>Overview</th></tr>" + rows + "</table>";
  return Page(c, "Reads search", "/console/reads", body);
}

}  // namespace anpr::sync::console
