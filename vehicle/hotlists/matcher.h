// The hotlist matcher: which list entries a read hits, exact or similar.
//
// "Similar" means the read (or one of its candidate readings) differs from
// the entry only in OCR-equivalent characters, at most the list's
// max_substitutions positions. The equivalence classes are:
//   O 0 D Q | I 1 L | S 5 | B 8 | Z 2 | G 6
// Every VRM is also kept as its "class key" (each character replaced by its
// class), so a similar search is one hash probe per reading, never a scan.
//
// Memory: 16 bytes per entry plus a slot table (ListIndex::memory_bytes(); about 108 MB for five
// million entries). Entry details (reason, markers ...) stay in the store.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "vehicle/records/hotlist.h"
#include "vehicle/records/read.h"
#include "vehicle/records/mutex.h"

namespace anpr {

// The class key of a normalised VRM: each OCR-confusable character replaced
// by its class's first member ("8O5" -> "BOS"). Exposed for tests.
std::string SimilarClassKey(std::string_view vrm);

// One list's entries in lookup form. Immutable once built; safe to share
// between threads.
class ListIndex {
 public:
  // Builds the index. Entries must be normalised and at most
  // kMaxHotlistVrmLength long (ParseHotlistCsv guarantees both); others are
  // skipped. A VRM listed twice keeps its last entry.
  static std::shared_ptr<const ListIndex> Build(HotlistMeta meta,
                                                const std::vector<HotlistEntry>& entries);
  // What the index keeps of an entry (the rest stays in the store).
  struct Key {
    std::string_view vrm;
    Priority priority = Priority::kLow;
    int64_t valid_until_utc_s = 0;
  };
  // As Build, from entries handed over one at a time: `next` fills *key and
  // returns true, or returns false at the end. Never holds more than the
  // packed index (about 12 bytes an entry), so a list of millions loads at
  // start without a copy of every entry's text. `size_hint` reserves.
  static std::shared_ptr<const ListIndex> BuildFrom(HotlistMeta meta, size_t size_hint,
                                                    const std::function<bool(Key*)>& next);
  // `index` with its meta replaced by `meta` (max_substitutions clamped to
  // 0..2 as in Build). When the caller holds the only reference (an index
  // just built) it is changed in place, otherwise copied.
  static std::shared_ptr<const ListIndex> WithMeta(std::shared_ptr<const ListIndex> index, HotlistMeta meta);
  // The index after a delta (removes, then adds). The meta's version becomes
  // delta.new_version.
  std::shared_ptr<const ListIndex> WithDelta(const HotlistDelta& delta) const;

  const HotlistMeta& meta() const { return meta_; }
  size_t size() const { return entries_.size(); }
  size_t memory_bytes() const;

  struct Found {
    std::string vrm;
    Priority priority;
    int substitutions;  // OCR-equivalent positions that differ (0 = same text)
  };
  // Entries whose class key equals `vrm`'s, differing in at most
  // meta().max_substitutions positions, not expired at now_utc_s.
  void Lookup(std::string_view vrm, int64_t now_utc_s, std::vector<Found>* out) const;

  // Internal packed form (public for the .cc helpers).
  struct Packed {
    uint64_t vrm_and_priority;  // 6 bits per character, priority in the top 2 bits
    uint32_t valid_until_utc_s;  // 0 = no expiry (saturates in 2106)
  };

 private:
  ListIndex() = default;
  void Rebuild();
  HotlistMeta meta_;
  std::vector<Packed> entries_;  // grouped by class-key hash bucket
  std::vector<uint32_t> buckets_;  // bucket b covers entries_[buckets_[b], buckets_[b+1])
  int bucket_bits_ = 0;
};

// One hit the matcher found, before the alert policy decides what to do.
struct MatchResult {
  std::string list_name;
  std::string entry_vrm;
  Priority priority = Priority::kLow;
  MatchKind kind = MatchKind::kExact;
  bool covert = false;
  int substitutions = 0;
  std::string matched_reading;  // the read's VRM or the candidate that matched
};

// All lists in force. Lists are swapped whole (a new version or a delta
// replaces one list atomically); lookups running meanwhile finish on the old
// version. Thread-safe.
class Matcher {
 public:
  // Installs or replaces a list (by meta().name).
  void SetList(std::shared_ptr<const ListIndex> list);
  void RemoveList(const std::string& name);
  std::shared_ptr<const ListIndex> List(const std::string& name) const;
  std::vector<std::shared_ptr<const ListIndex>> Lists() const;

  // Hits for a read: exact matches on read.vrm, then similar matches over
  // read.vrm and each candidate reading. A hit is "exact" only when the entry
  // equals read.vrm; a candidate reading matching an entry character for
  // character is "similar" with 0 substitutions. One result per (list,
  // entry); highest priority first, exact before similar, then list name.
  std::vector<MatchResult> Match(const Read& read, int64_t now_utc_ms) const;
  // As Match() for a VRM alone (e.g. `anpr hotlist check`), optionally only
  // against one list (empty = all).
  std::vector<MatchResult> MatchVrm(std::string_view vrm, const std::vector<std::string>& candidates,
                                    int64_t now_utc_ms, const std::string& only_list = "") const;

 private:
  mutable Mutex mu_;  // guards lists_ (the pointers, not the lists)
  std::vector<std::shared_ptr<const ListIndex>> lists_ ANPR_GUARDED_BY(mu_);
};

}  // namespace anpr
