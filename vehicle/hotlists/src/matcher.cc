#include "vehicle/hotlists/matcher.h"

#include <algorithm>
#include <array>
#include <unordered_set>

#include "vehicle/records/vrm.h"

namespace anpr {
namespace {

constexpr int kBitsPerChar = 6;
constexpr uint64_t kCharMask = (1u << kBitsPerChar) - 1;
constexpr int kPriorityShift = 60;
constexpr uint64_t kVrmMask = (uint64_t{1} << kPriorityShift) - 1;

// 0 = end of VRM, A-Z = 1..26, 0-9 = 27..36.
int CharCode(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A' + 1;
  if (c >= '0' && c <= '9') return c - '0' + 27;
  return -1;
}
char CodeChar(int code) {
  return code <= 26 ? static_cast<char>('A' + code - 1) : static_cast<char>('0' + code - 27);
}

// The OCR-equivalence classes: each character maps to its class's first member.
char ClassOf(char c) {
  switch (c) {
    case '0': case 'D': case 'Q': return 'O';
    case '1': case 'L': return 'I';
    case '5': return 'S';
    case '8': return 'B';
    case '2': return 'Z';
    case '6': return 'G';
    default: return c;
  }
}

struct ClassTable {
  std::array<uint8_t, 64> of{};
  ClassTable() {
    for (int code = 1; code <= 36; ++code) of[static_cast<size_t>(code)] = static_cast<uint8_t>(CharCode(ClassOf(CodeChar(code))));
  }
};
const ClassTable kClasses;

// Packs a normalised VRM; false when too long or not A-Z 0-9.
bool Pack(std::string_view vrm, uint64_t* out) {
  if (vrm.empty() || vrm.size() > kMaxHotlistVrmLength) return false;
  uint64_t v = 0;
  for (size_t i = 0; i < vrm.size(); ++i) {
    const int code = CharCode(vrm[i]);
    if (code < 0) return false;
    v |= static_cast<uint64_t>(code) << (kBitsPerChar * i);
  }
  *out = v;
  return true;
}

std::string Unpack(uint64_t v) {
  std::string s;
  for (size_t i = 0; i < kMaxHotlistVrmLength; ++i) {
    const int code = static_cast<int>((v >> (kBitsPerChar * i)) & kCharMask);
    if (code == 0) break;
    s.push_back(CodeChar(code));
  }
  return s;
}

uint64_t ClassKey(uint64_t packed) {
  uint64_t k = 0;
  for (size_t i = 0; i < kMaxHotlistVrmLength; ++i) {
    const uint64_t code = (packed >> (kBitsPerChar * i)) & kCharMask;
    if (code == 0) break;
    k |= static_cast<uint64_t>(kClasses.of[code]) << (kBitsPerChar * i);
  }
  return k;
}

uint64_t Mix(uint64_t x) {  // splitmix64 finaliser
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

int DifferingPositions(uint64_t a, uint64_t b) {
  int n = 0;
  for (size_t i = 0; i < kMaxHotlistVrmLength; ++i) {
    if (((a >> (kBitsPerChar * i)) & kCharMask) != ((b >> (kBitsPerChar * i)) & kCharMask)) ++n;
  }
  return n;
}

uint32_t SaturateExpiry(int64_t s) {
  if (s <= 0) return 0;
  if (s >= int64_t{UINT32_MAX}) return UINT32_MAX;
  return static_cast<uint32_t>(s);
}

}  // namespace

std::string SimilarClassKey(std::string_view vrm) {
  std::string out(vrm);
  for (char& c : out) c = ClassOf(c);
  return out;
}

std::shared_ptr<const ListIndex> ListIndex::Build(HotlistMeta meta,
                                                  const std::vector<HotlistEntry>& entries) {
  size_t i = 0;
  return BuildFrom(std::move(meta), entries.size(), [&](Key* key) {
    if (i == entries.size()) return false;
    const HotlistEntry& e = entries[i++];
    *key = {e.vrm, e.priority, e.valid_until_utc_s};
    return true;
  });
}

std::shared_ptr<const ListIndex> ListIndex::BuildFrom(HotlistMeta meta, size_t size_hint,
                                                      const std::function<bool(Key*)>& next) {
  auto index = std::shared_ptr<ListIndex>(new ListIndex());
  index->meta_ = std::move(meta);
  index->meta_.max_substitutions = std::clamp(index->meta_.max_substitutions, 0, 2);
  index->entries_.reserve(size_hint);
  Key key;
  while (next(&key)) {
    uint64_t packed = 0;
    if (!Pack(key.vrm, &packed)) continue;
    packed |= static_cast<uint64_t>(static_cast<int>(key.priority)) << kPriorityShift;
    index->entries_.push_back({packed, SaturateExpiry(key.valid_until_utc_s)});
  }
  index->Rebuild();
  return index;
}

std::shared_ptr<const ListIndex> ListIndex::WithMeta(std::shared_ptr<const ListIndex> index, HotlistMeta meta) {
  meta.max_substitutions = std::clamp(meta.max_substitutions, 0, 2);
  if (index.use_count() == 1) {
    // Only we see it, and every ListIndex is created non-const (Build, WithDelta).
    auto owned = std::const_pointer_cast<ListIndex>(std::move(index));
    owned->meta_ = std::move(meta);
    return owned;
  }
  auto copy = std::shared_ptr<ListIndex>(new ListIndex(*index));
  copy->meta_ = std::move(meta);
  return copy;
}

void ListIndex::Rebuild() {
  // Later duplicates win: keep the last occurrence of each VRM.
  {
    std::unordered_set<uint64_t> seen;
    if (entries_.size() < 1'000'000) {  // big lists come from the parser, which refuses duplicates
      seen.reserve(entries_.size());
      std::vector<Packed> unique;
      unique.reserve(entries_.size());
      for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
        if (seen.insert(it->vrm_and_priority & kVrmMask).second) unique.push_back(*it);
      }
      std::reverse(unique.begin(), unique.end());
      entries_.swap(unique);
    }
  }
  bucket_bits_ = 4;
  while ((size_t{1} << bucket_bits_) < entries_.size() && bucket_bits_ < 30) ++bucket_bits_;
  const size_t nbuckets = size_t{1} << bucket_bits_;
  auto bucket_of = [&](const Packed& p) {
    return static_cast<size_t>(Mix(ClassKey(p.vrm_and_priority & kVrmMask)) >> (64 - bucket_bits_));
  };
  // Counting sort by bucket: two linear passes.
  std::vector<uint32_t> counts(nbuckets + 1, 0);
  std::vector<uint32_t> bucket_ids(entries_.size());
  for (size_t i = 0; i < entries_.size(); ++i) {
    bucket_ids[i] = static_cast<uint32_t>(bucket_of(entries_[i]));
    ++counts[bucket_ids[i] + 1];
  }
  for (size_t b = 1; b <= nbuckets; ++b) counts[b] += counts[b - 1];
  std::vector<Packed> sorted(entries_.size());
  std::vector<uint32_t> next(counts.begin(), counts.end() - 1);
  for (size_t i = 0; i < entries_.size(); ++i) sorted[next[bucket_ids[i]]++] = entries_[i];
  entries_.swap(sorted);
  entries_.shrink_to_fit();
  buckets_.swap(counts);
}

std::shared_ptr<const ListIndex> ListIndex::WithDelta(const HotlistDelta& delta) const {
  auto index = std::shared_ptr<ListIndex>(new ListIndex());
  index->meta_ = meta_;
  index->meta_.version = delta.new_version;
  std::unordered_set<uint64_t> dropped;
  for (const std::string& vrm : delta.removes) {
    uint64_t packed = 0;
    if (Pack(NormaliseVrm(vrm), &packed)) dropped.insert(packed);
  }
  for (const HotlistEntry& e : delta.adds) {
    uint64_t packed = 0;
    if (Pack(e.vrm, &packed)) dropped.insert(packed);  // replaced by the add
  }
  index->entries_.reserve(entries_.size() + delta.adds.size());
  for (const Packed& p : entries_) {
    if (!dropped.count(p.vrm_and_priority & kVrmMask)) index->entries_.push_back(p);
  }
  for (const HotlistEntry& e : delta.adds) {
    uint64_t packed = 0;
    if (!Pack(e.vrm, &packed)) continue;
    packed |= static_cast<uint64_t>(static_cast<int>(e.priority)) << kPriorityShift;
    index->entries_.push_back({packed, SaturateExpiry(e.valid_until_utc_s)});
  }
  index->Rebuild();
  return index;
}

size_t ListIndex::memory_bytes() const {
  return sizeof(*this) + entries_.capacity() * sizeof(Packed) + buckets_.capacity() * sizeof(uint32_t);
}

void ListIndex::Lookup(std::string_view vrm, int64_t now_utc_s, std::vector<Found>* out) const {
  if (entries_.empty()) return;
  uint64_t query = 0;
  if (!Pack(vrm, &query)) return;
  const uint64_t key = ClassKey(query);
  const size_t b = static_cast<size_t>(Mix(key) >> (64 - bucket_bits_));
  for (uint32_t i = buckets_[b]; i < buckets_[b + 1]; ++i) {
    const Packed& p = entries_[i];
    const uint64_t entry = p.vrm_and_priority & kVrmMask;
    if (ClassKey(entry) != key) continue;
    if (p.valid_until_utc_s != 0 && now_utc_s >= int64_t{p.valid_until_utc_s}) continue;  // expired
    const int diff = DifferingPositions(entry, query);
    if (diff > meta_.max_substitutions) continue;
    out->push_back({Unpack(entry), static_cast<Priority>(p.vrm_and_priority >> kPriorityShift), diff});
  }
}

void Matcher::SetList(std::shared_ptr<const ListIndex> list) {
  MutexLock lock(&mu_);
  for (auto& l : lists_) {
    if (l->meta().name == list->meta().name) {
      l = std::move(list);
      return;
    }
  }
  lists_.push_back(std::move(list));
}

void Matcher::RemoveList(const std::string& name) {
  MutexLock lock(&mu_);
  lists_.erase(std::remove_if(lists_.begin(), lists_.end(),
                              [&](const auto& l) { return l->meta().name == name; }),
               lists_.end());
}

std::shared_ptr<const ListIndex> Matcher::List(const std::string& name) const {
  MutexLock lock(&mu_);
  for (const auto& l : lists_) {
    if (l->meta().name == name) return l;
  }
  return nullptr;
}

std::vector<std::shared_ptr<const ListIndex>> Matcher::Lists() const {
  MutexLock lock(&mu_);
  return lists_;
}

std::vector<MatchResult> Matcher::Match(const Read& read, int64_t now_utc_ms) const {
  std::vector<std::string> candidates;
  candidates.reserve(read.candidates.size());
  for (const PlateCandidate& c : read.candidates) candidates.push_back(c.vrm);
  return MatchVrm(read.vrm, candidates, now_utc_ms);
}

std::vector<MatchResult> Matcher::MatchVrm(std::string_view vrm,
                                           const std::vector<std::string>& candidates,
                                           int64_t now_utc_ms, const std::string& only_list) const {
  const std::vector<std::shared_ptr<const ListIndex>> lists = Lists();
  const std::string best = NormaliseVrm(vrm);
  std::vector<std::string> readings{best};
  for (const std::string& c : candidates) {
    std::string n = NormaliseVrm(c);
    if (!n.empty() && std::find(readings.begin(), readings.end(), n) == readings.end()) {
      readings.push_back(std::move(n));
    }
  }
  const int64_t now_s = now_utc_ms / 1000;
  std::vector<MatchResult> results;
  std::vector<ListIndex::Found> found;
  for (const auto& list : lists) {
    if (!only_list.empty() && list->meta().name != only_list) continue;
    const size_t first_of_list = results.size();
    for (const std::string& reading : readings) {
      found.clear();
      list->Lookup(reading, now_s, &found);
      for (ListIndex::Found& f : found) {
        const bool exact = f.vrm == best;
        auto dup = std::find_if(results.begin() + static_cast<ptrdiff_t>(first_of_list), results.end(),
                                [&](const MatchResult& r) { return r.entry_vrm == f.vrm; });
        if (dup != results.end()) continue;  // first reading to reach an entry wins (best first)
        MatchResult r;
        r.list_name = list->meta().name;
        r.entry_vrm = std::move(f.vrm);
        r.priority = f.priority;
        r.kind = exact ? MatchKind::kExact : MatchKind::kSimilar;
        r.covert = list->meta().covert;
        r.substitutions = f.substitutions;
        r.matched_reading = reading;
        results.push_back(std::move(r));
      }
    }
  }
  std::stable_sort(results.begin(), results.end(), [](const MatchResult& a, const MatchResult& b) {
    if (a.priority != b.priority) return a.priority > b.priority;
    if (a.kind != b.kind) return a.kind == MatchKind::kExact;
    return a.list_name < b.list_name;
  });
  return results;
}

}  // namespace anpr
