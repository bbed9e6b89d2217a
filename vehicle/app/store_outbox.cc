#include "vehicle/app/store_outbox.h"

#include "vehicle/records/hotlist.h"

namespace anpr::sync {

bool ToDepotListChange(const HotlistDelta& delta, DepotListChange* out, std::string* why) {
  out->name = delta.list_name;
  out->full = delta.full;
  out->base_version = delta.from_version;
  out->new_version = delta.to_version;
  out->adds.clear();
  out->removes = delta.removed_vrms;
  for (const WireHotlistEntry& w : delta.added) {
    auto e = FromWireHotlistEntry(w);
    if (!e.ok()) {
      *why = "list " + delta.list_name + ": " + e.status().message();
      return false;
    }
    out->adds.push_back(std::move(e).value());
  }
  return true;
}

StoreOutbox::StoreOutbox(Store* store, Matcher* matcher, std::string unit_id)
    : store_(store), matcher_(matcher), unit_id_(std::move(unit_id)) {}

Result<std::vector<Hit>> StoreOutbox::UnsyncedHits(std::size_t limit) {
  auto hits = store_->UnsyncedHits(limit);
  if (!hits.ok()) return hits;
  MutexLock lock(&mu_);
  for (const Hit& h : *hits) hit_outcome_at_by_uuid_[h.uuid] = h.outcome_at_utc_ms;
  return hits;
}

Result<std::vector<Read>> StoreOutbox::UnsyncedReads(std::size_t limit) { return store_->UnsyncedReads(limit); }

Result<std::vector<WireAuditEntry>> StoreOutbox::UnsyncedAudit(std::size_t limit) {
  auto stored = store_->UnsyncedAudit(limit);
  if (!stored.ok()) return stored.status();
  std::vector<WireAuditEntry> out;
  out.reserve(stored->size());
  MutexLock lock(&mu_);
  for (const anpr::AuditEntry& a : *stored) {
    WireAuditEntry w = ToWireAudit(a, unit_id_);
    audit_seq_by_uuid_[w.uuid] = a.seq;
    out.push_back(std::move(w));
  }
  return out;
}

Result<std::vector<WantedEntry>> StoreOutbox::UnsyncedWanted(std::size_t limit) {
  auto stored = store_->UnsyncedOfficerEntries(limit);
  if (!stored.ok()) return stored.status();
  std::vector<WantedEntry> out;
  for (const OfficerEntry& e : *stored) {
    WantedEntry w;
    w.uuid = e.uuid;
    w.unit_id = unit_id_;
    w.list_name = e.list_name;
    w.vrm = e.entry.vrm;
    w.priority = e.entry.priority;
    w.reason = e.entry.reason;
    w.warning_markers = e.entry.warning_markers;
    w.information = e.entry.information;
    w.valid_until_utc_ms = e.entry.valid_until_utc_s * 1000;
    w.entered_by = e.entered_by;
    w.entered_at_utc_ms = e.entered_at_utc_ms;
    out.push_back(std::move(w));
  }
  return out;
}

Result<std::vector<HoldEntry>> StoreOutbox::UnsyncedHolds(std::size_t limit) {
  auto stored = store_->UnsyncedHolds(limit);
  if (!stored.ok()) return stored.status();
  std::vector<HoldEntry> out;
  for (const ReadHold& h : *stored) {
    out.push_back(HoldEntry{h.uuid, unit_id_, h.vrm, h.reason, h.placed_by, h.placed_at_utc_ms, h.until_utc_ms});
  }
  return out;
}

Result<UnsyncedCounts> StoreOutbox::CountUnsynced() {
  auto b = store_->CountUnsynced();
  if (!b.ok()) return b.status();
  UnsyncedCounts c{b->hits, b->reads, b->audit, b->officer_entries};
  c.quarantined = b->quarantined;
  return c;
}

Result<std::optional<AuditChainHead>> StoreOutbox::ChainHead() {
  auto newest = store_->NewestAuditEntry();
  if (!newest.ok()) return newest.status();
  if (!newest->has_value()) return std::optional<AuditChainHead>();
  return std::optional<AuditChainHead>(AuditChainHead{(*newest)->seq, (*newest)->hash});
}

Status StoreOutbox::Quarantine(RecordKind kind, const std::string& uuid, const std::string& reason) {
  switch (kind) {
    case RecordKind::kHit: return store_->QuarantineForSync(SyncRecord::kHit, uuid, reason);
    case RecordKind::kRead: return store_->QuarantineForSync(SyncRecord::kRead, uuid, reason);
    case RecordKind::kWanted: return store_->QuarantineForSync(SyncRecord::kOfficerEntry, uuid, reason);
    case RecordKind::kHold: return store_->QuarantineForSync(SyncRecord::kHold, uuid, reason);
    case RecordKind::kAudit: {
      int64_t seq = 0;
      {
        MutexLock lock(&mu_);
        auto it = audit_seq_by_uuid_.find(uuid);
        if (it == audit_seq_by_uuid_.end()) return Status::Ok();  // not ours: ignored, as the contract says
        seq = it->second;
      }
      return store_->QuarantineForSync(SyncRecord::kAudit, std::to_string(seq), reason);
    }
  }
  return InvalidArgument("unknown record kind");
}

Status StoreOutbox::MarkSynced(RecordKind kind, const std::vector<std::string>& uuids, int64_t synced_at_utc_ms) {
  switch (kind) {
    case RecordKind::kHit: {
      // Marked only with the outcome that was sent; a newer one goes next pass.
      std::vector<Store::SentHit> sent;
      {
        MutexLock lock(&mu_);
        for (const std::string& u : uuids) {
          auto it = hit_outcome_at_by_uuid_.find(u);
          if (it != hit_outcome_at_by_uuid_.end()) sent.push_back({u, it->second});
        }
      }
      Status s = store_->MarkHitsSyncedIfUnchanged(sent, synced_at_utc_ms);
      if (s.ok()) {
        MutexLock lock(&mu_);
        for (const std::string& u : uuids) hit_outcome_at_by_uuid_.erase(u);
      }
      return s;
    }
    case RecordKind::kRead: return store_->MarkReadsSynced(uuids, synced_at_utc_ms);
    case RecordKind::kWanted: return store_->MarkOfficerEntriesSynced(uuids, synced_at_utc_ms);
    case RecordKind::kHold: return store_->MarkHoldsSynced(uuids, synced_at_utc_ms);
    case RecordKind::kAudit: {
      std::vector<int64_t> seqs;
      {
        MutexLock lock(&mu_);
        for (const std::string& u : uuids) {
          auto it = audit_seq_by_uuid_.find(u);
          if (it == audit_seq_by_uuid_.end()) continue;  // not ours: ignored, as the contract says
          seqs.push_back(it->second);
        }
      }
      Status s = store_->MarkAuditSynced(seqs, synced_at_utc_ms);
      if (s.ok()) {
        MutexLock lock(&mu_);
        for (const std::string& u : uuids) audit_seq_by_uuid_.erase(u);
      }
      return s;
    }
  }
  return InvalidArgument("unknown record kind");
}

Result<int64_t> StoreOutbox::HotlistVersion() { return store_->DepotHotlistVersion(); }

Status StoreOutbox::ApplyHotlistUpdate(const HotlistUpdate& update) {
  std::vector<DepotListChange> changes;
  for (const HotlistDelta& d : update.lists) {
    DepotListChange c;
    std::string why;
    if (!ToDepotListChange(d, &c, &why)) return InvalidArgument("depot hotlist update refused: " + why);
    changes.push_back(std::move(c));
  }
  return store_->ApplyDepotHotlists(changes, update.latest_version, "sync", matcher_);
}

}  // namespace anpr::sync
