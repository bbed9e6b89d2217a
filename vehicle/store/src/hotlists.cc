// Hotlists: whole versions and deltas, the depot's updates, officer-entered
// plates, and building the matcher from what is stored.
#include "vehicle/store/store.h"

#include <sqlite3.h>

#include <algorithm>
#include <future>
#include <memory>

#include "vehicle/hotlists/matcher.h"
#include "vehicle/records/field_limits.h"
#include "vehicle/records/sqlite_stmt.h"
#include "vehicle/records/vrm.h"
#include "vehicle/store/src/audit_log.h"
#include "vehicle/store/src/store_impl.h"

namespace anpr {
using namespace store_internal;

namespace {

// Inserts entries (in `order` when given: indices into `entries`). The
// strings are bound without copying; `entries` outlives every step.
Status InsertEntries(sqlite3* db, int64_t list_id, const std::vector<HotlistEntry>& entries,
                     const std::vector<uint32_t>* order = nullptr) {
  Stmt s(db,
         "INSERT OR REPLACE INTO hotlist_entries (list_id, vrm, priority, reason, warning_markers, information, "
         "make, model, colour, valid_until_utc_s) VALUES (?,?,?,?,?,?,?,?,?,?)");
  if (!s.prepare_status().ok()) return s.prepare_status();
  const size_t n = order ? order->size() : entries.size();
  for (size_t k = 0; k < n; ++k) {
    const HotlistEntry& e = entries[order ? (*order)[k] : k];
    if (order && k + 16 < n) {  // in VRM order the entries are scattered: fetch ahead
      const char* ahead = reinterpret_cast<const char*>(&entries[(*order)[k + 16]]);
      for (size_t line = 0; line < sizeof(HotlistEntry); line += 64) __builtin_prefetch(ahead + line);
    }
    s.Reset();
    s.Bind(1, list_id).BindStatic(2, e.vrm).Bind(3, static_cast<int>(e.priority)).BindStatic(4, e.reason)
        .BindStatic(5, e.warning_markers).BindStatic(6, e.information).BindStatic(7, e.make)
        .BindStatic(8, e.model).BindStatic(9, e.colour).Bind(10, e.valid_until_utc_s);
    Status st = s.Run();
    if (!st.ok()) return st;
  }
  s.Reset();  // drop the pointers into `entries`
  return Status::Ok();
}

// The order that inserts `entries` by VRM (byte order, as the table's key),
// ties in input order: B-tree appends, far faster than random inserts for big
// lists, without moving the entries themselves (a sort of 5 million
// HotlistEntry moves seven strings a swap).
std::vector<uint32_t> OrderByVrm(const std::vector<HotlistEntry>& entries) {
  struct Key {
    uint64_t prefix;  // the VRM's first 8 bytes, big-endian, zero padded
    uint32_t index;
  };
  std::vector<Key> keys(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    uint64_t p = 0;
    const std::string& v = entries[i].vrm;
    for (size_t j = 0; j < 8; ++j) {
      p = (p << 8) | (j < v.size() ? static_cast<unsigned char>(v[j]) : 0u);
    }
    keys[i] = {p, static_cast<uint32_t>(i)};
  }
  std::sort(keys.begin(), keys.end(), [&](const Key& a, const Key& b) {
    if (a.prefix != b.prefix) return a.prefix < b.prefix;
    const int c = entries[a.index].vrm.compare(entries[b.index].vrm);
    return c != 0 ? c < 0 : a.index < b.index;
  });
  std::vector<uint32_t> order(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) order[i] = keys[i].index;
  return order;
}

// The list's row id and version, or id 0 when it does not exist.
Status FindList(sqlite3* db, const std::string& name, int64_t* id, int64_t* version) {
  Stmt s(db, "SELECT list_id, version FROM hotlists WHERE name = ?");
  s.Bind(1, name);
  *id = 0;
  *version = 0;
  if (s.Step()) {
    *id = s.Int(0);
    *version = s.Int(1);
  }
  return s.status();
}

Status UpsertList(sqlite3* db, const HotlistMeta& m, int64_t version, int64_t* id) {
  Stmt s(db,
         "INSERT INTO hotlists (name, source, colour, sound, covert, max_substitutions, version, "
         "updated_at_utc_ms, entry_count) VALUES (?,?,?,?,?,?,?,?,0) "
         "ON CONFLICT(name) DO UPDATE SET source=excluded.source, colour=excluded.colour, "
         "sound=excluded.sound, covert=excluded.covert, max_substitutions=excluded.max_substitutions, "
         "version=excluded.version, updated_at_utc_ms=excluded.updated_at_utc_ms");
  s.Bind(1, m.name).Bind(2, static_cast<int>(m.source)).Bind(3, m.colour).Bind(4, m.sound)
      .Bind(5, m.covert ? 1 : 0).Bind(6, std::clamp(m.max_substitutions, 0, 2)).Bind(7, version)
      .Bind(8, NowUtcMs());
  Status st = s.Run();
  if (!st.ok()) return st;
  int64_t v = 0;
  return FindList(db, m.name, id, &v);
}

Status UpdateCount(sqlite3* db, int64_t id) {
  Stmt s(db,
         "UPDATE hotlists SET entry_count = (SELECT count(*) FROM hotlist_entries WHERE list_id = ?1) "
         "WHERE list_id = ?1");
  return s.Bind(1, id).Run();
}

HotlistMeta MetaFromRow(const Stmt& s) {
  HotlistMeta m;
  m.name = s.Text(0);
  m.source = static_cast<ListSource>(s.Int(1));
  m.colour = s.Text(2);
  m.sound = s.Text(3);
  m.covert = s.Int(4) != 0;
  m.max_substitutions = static_cast<int>(s.Int(5));
  m.version = s.Int(6);
  m.entry_count = s.Int(8);
  m.updated_at_utc_ms = s.Int(9);
  return m;
}

constexpr const char* kMetaColumns =
    "name, source, colour, sound, covert, max_substitutions, version, list_id, entry_count, updated_at_utc_ms";

}  // namespace

Status Store::ApplyHotlistVersion(const HotlistMeta& meta, std::vector<HotlistEntry> entries,
                                  const std::string& actor, Matcher* matcher) {
  if (Status named = limits::ValidateListName(meta.name); !named.ok()) return named;
  if (meta.max_substitutions < 0 || meta.max_substitutions > 2) {
    return InvalidArgument("max_substitutions must be 0, 1 or 2");
  }
  if (entries.size() > UINT32_MAX) return InvalidArgument("hotlist " + meta.name + ": too many entries");
  // The entries stay where they are, read by both threads: the writer sorts an
  // index by VRM and inserts in that order while this thread builds the
  // matcher's index. A VRM listed twice keeps its last entry in both.
  auto shared = std::make_shared<const std::vector<HotlistEntry>>(std::move(entries));
  auto order = std::make_shared<std::vector<uint32_t>>();
  auto version = std::make_shared<int64_t>(0);
  const std::string name = meta.name;
  auto promise = std::make_shared<std::promise<Status>>();
  auto future = promise->get_future();
  impl_->Submit(
      [meta, actor, shared, order, version](sqlite3* db) {
        int64_t id = 0, current = 0;
        Status s = FindList(db, meta.name, &id, &current);
        if (!s.ok()) return s;
        *version = meta.version == 0 ? current + 1 : meta.version;
        if (*version <= current) {
          return InvalidArgument("hotlist " + meta.name + ": version " + std::to_string(*version) +
                                 " is not newer than the version in force (" + std::to_string(current) + ")");
        }
        s = UpsertList(db, meta, *version, &id);
        if (!s.ok()) return s;
        Stmt del(db, "DELETE FROM hotlist_entries WHERE list_id = ?");
        s = del.Bind(1, id).Run();
        if (s.ok() && order->size() != shared->size()) *order = OrderByVrm(*shared);  // once, kept for a retry
        if (s.ok()) s = InsertEntries(db, id, *shared, order.get());
        if (s.ok()) {
          Stmt count(db, "UPDATE hotlists SET entry_count = ? WHERE list_id = ?");
          s = count.Bind(1, static_cast<int64_t>(shared->size())).Bind(2, id).Run();
        }
        if (s.ok()) {
          s = AppendAudit(db, actor, "hotlist.version",
                          "list " + meta.name + " (" + ListSourceName(meta.source) + ") version " +
                              std::to_string(*version) + ": " + std::to_string(shared->size()) + " entries");
        }
        return s;
      },
      [promise](const Status& s) { promise->set_value(s); });
  std::shared_ptr<const ListIndex> index;
  if (matcher) index = ListIndex::Build(meta, *shared);  // meanwhile; installed only once stored
  Status st = future.get();
  if (!st.ok() || !matcher) return st;
  HotlistMeta m = meta;
  m.version = *version;
  matcher->SetList(ListIndex::WithMeta(std::move(index), std::move(m)));
  return st;
}

Status Store::ApplyHotlistDelta(const std::string& name, const HotlistDelta& delta, const std::string& actor,
                                Matcher* matcher) {
  if (delta.new_version <= delta.base_version) {
    return InvalidArgument("hotlist " + name + ": delta's new version must be newer than its base");
  }
  for (const HotlistEntry& e : delta.adds) {
    if (e.vrm.empty() || e.vrm.size() > kMaxHotlistVrmLength || NormaliseVrm(e.vrm) != e.vrm) {
      return InvalidArgument("hotlist " + name + ": delta adds malformed vrm '" + e.vrm + "'");
    }
  }
  Status st = impl_->Run([&](sqlite3* db) {
    int64_t id = 0, current = 0;
    Status s = FindList(db, name, &id, &current);
    if (!s.ok()) return s;
    if (id == 0) return NotFound("hotlist " + name);
    if (current != delta.base_version) {
      return InvalidArgument("hotlist " + name + ": delta is from version " + std::to_string(delta.base_version) +
                             " but version " + std::to_string(current) + " is in force");
    }
    Stmt del(db, "DELETE FROM hotlist_entries WHERE list_id = ? AND vrm = ?");
    for (const std::string& vrm : delta.removes) {
      del.Reset();
      s = del.Bind(1, id).Bind(2, NormaliseVrm(vrm)).Run();
      if (!s.ok()) return s;
    }
    s = InsertEntries(db, id, delta.adds);
    if (s.ok()) {
      Stmt v(db, "UPDATE hotlists SET version = ?, updated_at_utc_ms = ? WHERE list_id = ?");
      s = v.Bind(1, delta.new_version).Bind(2, NowUtcMs()).Bind(3, id).Run();
    }
    if (s.ok()) s = UpdateCount(db, id);
    if (s.ok()) {
      s = AppendAudit(db, actor, "hotlist.delta",
                      "list " + name + " version " + std::to_string(delta.base_version) + " -> " +
                          std::to_string(delta.new_version) + ": +" + std::to_string(delta.adds.size()) + " -" +
                          std::to_string(delta.removes.size()));
    }
    return s;
  });
  if (!st.ok() || !matcher) return st;
  auto current = matcher->List(name);
  if (current && current->meta().version == delta.base_version) {
    matcher->SetList(current->WithDelta(delta));
    return st;
  }
  return LoadMatcher(matcher);  // matcher was out of step: rebuild from the store
}

Result<int64_t> Store::DepotHotlistVersion() {
  return impl_->Query([](sqlite3* db) -> Result<int64_t> {
    Stmt s(db, "SELECT value FROM unit_meta WHERE key = 'depot_hotlist_version'");
    if (s.Step()) return s.Int(0);
    if (!s.status().ok()) return s.status();
    return int64_t{0};
  });
}

Status Store::ApplyDepotHotlists(const std::vector<DepotListChange>& changes, int64_t depot_version,
                                 const std::string& actor, Matcher* matcher) {
  for (const DepotListChange& c : changes) {
    if (c.name.empty()) return InvalidArgument("depot hotlist update: a list has no name");
    if (c.new_version <= (c.full ? 0 : c.base_version)) {
      return InvalidArgument("depot hotlist update: list " + c.name + ": new version " +
                             std::to_string(c.new_version) + " is not newer than its base");
    }
    for (const HotlistEntry& e : c.adds) {
      if (e.vrm.empty() || e.vrm.size() > kMaxHotlistVrmLength || NormaliseVrm(e.vrm) != e.vrm) {
        return InvalidArgument("depot hotlist update: list " + c.name + ": malformed vrm '" + e.vrm + "'");
      }
    }
  }
  // Everything in one transaction: the old lists stay in force unless every
  // change applies (a broken download changes nothing).
  Status st = impl_->Run([&](sqlite3* db) {
    for (const DepotListChange& c : changes) {
      int64_t id = 0, current = 0;
      Status s = FindList(db, c.name, &id, &current);
      if (!s.ok()) return s;
      if (!c.full && (id == 0 || current != c.base_version)) {
        return InvalidArgument("depot hotlist update: list " + c.name + " is a delta from version " +
                               std::to_string(c.base_version) + " but version " + std::to_string(current) +
                               " is in force");
      }
      if (id == 0) {
        // A list new to this unit: its source from its name where that names
        // one (PNC, DVLA, MIB), otherwise a force list; settings default.
        HotlistMeta meta;
        meta.name = c.name;
        if (!ParseListSource(c.name, &meta.source)) meta.source = ListSource::kLocal;
        s = UpsertList(db, meta, c.new_version, &id);
        if (!s.ok()) return s;
      }
      if (c.full) {
        Stmt clear(db, "DELETE FROM hotlist_entries WHERE list_id = ?");
        s = clear.Bind(1, id).Run();
        if (!s.ok()) return s;
      }
      Stmt del(db, "DELETE FROM hotlist_entries WHERE list_id = ? AND vrm = ?");
      for (const std::string& vrm : c.removes) {
        del.Reset();
        s = del.Bind(1, id).Bind(2, NormaliseVrm(vrm)).Run();
        if (!s.ok()) return s;
      }
      s = InsertEntries(db, id, c.adds);
      if (s.ok()) {
        Stmt v(db, "UPDATE hotlists SET version = ?, updated_at_utc_ms = ? WHERE list_id = ?");
        s = v.Bind(1, c.new_version).Bind(2, NowUtcMs()).Bind(3, id).Run();
      }
      if (s.ok()) s = UpdateCount(db, id);
      if (s.ok()) {
        s = AppendAudit(db, actor, "hotlist.depot",
                        "list " + c.name + (c.full ? " replaced" : " from version " + std::to_string(c.base_version)) +
                            " -> version " + std::to_string(c.new_version) + ": +" + std::to_string(c.adds.size()) +
                            " -" + std::to_string(c.removes.size()));
      }
      if (!s.ok()) return s;
    }
    Stmt v(db,
           "INSERT INTO unit_meta (key, value) VALUES ('depot_hotlist_version', ?) "
           "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    return v.Bind(1, depot_version).Run();
  });
  if (!st.ok() || !matcher || changes.empty()) return st;
  return LoadMatcher(matcher);  // the lists in force now, as stored
}

Status Store::AddOfficerEntry(const OfficerEntry& oe, Matcher* matcher) {
  if (oe.entry.vrm.empty() || oe.entry.vrm.size() > kMaxHotlistVrmLength) {
    return InvalidArgument("officer entry: vrm '" + oe.entry.vrm + "' is empty or too long");
  }
  int64_t base = 0, next = 0;
  Status st = impl_->Run([&](sqlite3* db) {
    int64_t id = 0;
    Status s = FindList(db, oe.list_name, &id, &base);
    if (!s.ok()) return s;
    next = base + 1;
    if (id == 0) {
      HotlistMeta m;
      m.name = oe.list_name;
      m.source = ListSource::kOfficer;
      s = UpsertList(db, m, next, &id);
    } else {
      Stmt v(db, "UPDATE hotlists SET version = ?, updated_at_utc_ms = ? WHERE list_id = ?");
      s = v.Bind(1, next).Bind(2, NowUtcMs()).Bind(3, id).Run();
    }
    if (s.ok()) s = InsertEntries(db, id, {oe.entry});
    if (s.ok()) s = UpdateCount(db, id);
    if (s.ok()) {
      Stmt o(db,
             "INSERT INTO officer_entries (uuid, list_name, vrm, priority, reason, warning_markers, information, "
             "valid_until_utc_s, entered_by, entered_at_utc_ms) VALUES (?,?,?,?,?,?,?,?,?,?)");
      s = o.Bind(1, oe.uuid).Bind(2, oe.list_name).Bind(3, oe.entry.vrm).Bind(4, static_cast<int>(oe.entry.priority))
              .Bind(5, oe.entry.reason).Bind(6, oe.entry.warning_markers).Bind(7, oe.entry.information)
              .Bind(8, oe.entry.valid_until_utc_s).Bind(9, oe.entered_by).Bind(10, oe.entered_at_utc_ms).Run();
    }
    if (s.ok()) {
      s = AppendAudit(db, oe.entered_by, "hotlist.officer-entry",
                      "list " + oe.list_name + ": " + oe.entry.vrm + " " + PriorityName(oe.entry.priority) +
                          " (" + oe.entry.reason + ")");
    }
    return s;
  });
  if (!st.ok() || !matcher) return st;
  auto current = matcher->List(oe.list_name);
  if (current && current->meta().version == base) {
    HotlistDelta d;
    d.base_version = base;
    d.new_version = next;
    d.adds = {oe.entry};
    matcher->SetList(current->WithDelta(d));
    return st;
  }
  return LoadMatcher(matcher);
}

Result<std::vector<HotlistMeta>> Store::Hotlists() {
  return impl_->Query([](sqlite3* db) -> Result<std::vector<HotlistMeta>> {
    Stmt s(db, (std::string("SELECT ") + kMetaColumns + " FROM hotlists ORDER BY name").c_str());
    std::vector<HotlistMeta> out;
    while (s.Step()) out.push_back(MetaFromRow(s));
    if (!s.status().ok()) return s.status();
    return out;
  });
}

Result<std::optional<HotlistEntry>> Store::GetHotlistEntry(const std::string& list_name, const std::string& vrm) {
  return impl_->Query([&](sqlite3* db) -> Result<std::optional<HotlistEntry>> {
    Stmt s(db,
           "SELECT e.vrm, e.priority, e.reason, e.warning_markers, e.information, e.make, e.model, e.colour, "
           "e.valid_until_utc_s FROM hotlist_entries e JOIN hotlists l ON l.list_id = e.list_id "
           "WHERE l.name = ? AND e.vrm = ?");
    s.Bind(1, list_name).Bind(2, vrm);
    if (s.Step()) {
      HotlistEntry e;
      e.vrm = s.Text(0);
      e.priority = static_cast<Priority>(s.Int(1));
      e.reason = s.Text(2);
      e.warning_markers = s.Text(3);
      e.information = s.Text(4);
      e.make = s.Text(5);
      e.model = s.Text(6);
      e.colour = s.Text(7);
      e.valid_until_utc_s = s.Int(8);
      return std::optional<HotlistEntry>(std::move(e));
    }
    if (!s.status().ok()) return s.status();
    return std::optional<HotlistEntry>();
  });
}

Status Store::LoadMatcher(Matcher* matcher) {
  return impl_->Query([&](sqlite3* db) -> Status {
    Stmt s(db, (std::string("SELECT ") + kMetaColumns + " FROM hotlists").c_str());
    std::vector<std::pair<HotlistMeta, int64_t>> lists;
    while (s.Step()) lists.emplace_back(MetaFromRow(s), s.Int(7));
    if (!s.status().ok()) return s.status();
    for (auto& [meta, id] : lists) {
      // Only what the index keeps, a row at a time: a list of millions is
      // never held whole in memory as entries.
      Stmt count(db, "SELECT COUNT(*) FROM hotlist_entries WHERE list_id = ?");
      count.Bind(1, id);
      const size_t hint = count.Step() ? static_cast<size_t>(count.Int(0)) : 0;
      Stmt rows(db, "SELECT vrm, priority, valid_until_utc_s FROM hotlist_entries WHERE list_id = ?");
      rows.Bind(1, id);
      std::string vrm;
      auto index = ListIndex::BuildFrom(meta, hint, [&](ListIndex::Key* key) {
        if (!rows.Step()) return false;
        vrm = rows.Text(0);
        *key = {vrm, static_cast<Priority>(rows.Int(1)), rows.Int(2)};
        return true;
      });
      if (!rows.status().ok()) return rows.status();
      matcher->SetList(std::move(index));
    }
    return Status::Ok();
  });
}

}  // namespace anpr
