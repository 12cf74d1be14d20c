//===- CowMap.h - An ordered map that copies only when written ------------===//
//
// States are copied at every fork and compared at every merge. A CowMap
// shares its entries between copies until one of them writes, so a fork
// costs a pointer copy and two states that never diverged compare in O(1).
//
//===----------------------------------------------------------------------===//

#ifndef IODRAIN_CORE_COWMAP_H
#define IODRAIN_CORE_COWMAP_H

#include <map>
#include <memory>

namespace iodrain {

template <typename K, typename V> class CowMap {
  using Map = std::map<K, V>;
  /// The entries, and their hashes once computed: a map shared by many
  /// states is hashed once, not once per state.
  struct Node {
    Map M;
    mutable size_t Hash[2] = {0, 0};
    mutable bool Hashed[2] = {false, false};
  };

public:
  using const_iterator = typename Map::const_iterator;

  const V *find(const K &Key) const {
    if (!Entries)
      return nullptr;
    auto It = Entries->M.find(Key);
    return It == Entries->M.end() ? nullptr : &It->second;
  }
  bool contains(const K &Key) const { return find(Key) != nullptr; }
  void set(const K &Key, V Value) { mut()[Key] = std::move(Value); }
  bool erase(const K &Key) {
    if (!contains(Key))
      return false;
    mut().erase(Key);
    return true;
  }
  /// Erases the entries for which Pred(key, value) holds.
  template <typename Pred> void eraseIf(Pred P) {
    if (!Entries || !std::any_of(Entries->M.begin(), Entries->M.end(),
                                 [&](const auto &E) {
                                   return P(E.first, E.second);
                                 }))
      return;
    Map &M = mut();
    for (auto It = M.begin(); It != M.end();)
      It = P(It->first, It->second) ? M.erase(It) : std::next(It);
  }
  /// The map itself, for writes; unshared first.
  Map &mut() {
    if (!Entries)
      Entries = std::make_shared<Node>();
    else if (Entries.use_count() > 1)
      Entries = std::make_shared<Node>(Node{Entries->M});
    Entries->Hashed[0] = Entries->Hashed[1] = false;
    return Entries->M;
  }

  /// A hash of the entries, one of two independent ones (`Which` 0 or 1),
  /// with `Entry(Seed, key, value)` combining one entry into the seed.
  template <typename EntryHash>
  size_t contentHash(unsigned Which, EntryHash Entry) const {
    if (!Entries)
      return 0;
    if (!Entries->Hashed[Which]) {
      size_t H = Which ? 0x9e3779b97f4a7c15ull : 0x2545f4914f6cdd1dull;
      for (const auto &[Key, Value] : Entries->M)
        H = Entry(H, Key, Value);
      Entries->Hash[Which] = H;
      Entries->Hashed[Which] = true;
    }
    return Entries->Hash[Which];
  }

  const_iterator begin() const {
    return Entries ? Entries->M.cbegin() : none().cbegin();
  }
  const_iterator end() const {
    return Entries ? Entries->M.cend() : none().cend();
  }
  size_t size() const { return Entries ? Entries->M.size() : 0; }
  bool empty() const { return size() == 0; }

  friend bool operator==(const CowMap &A, const CowMap &B) {
    if (A.Entries == B.Entries || (A.empty() && B.empty()))
      return true;
    if (A.size() != B.size())
      return false;
    return A.Entries->M == B.Entries->M;
  }

private:
  static const Map &none() {
    static const Map Empty;
    return Empty;
  }
  std::shared_ptr<Node> Entries;
};

} // namespace iodrain

#endif // IODRAIN_CORE_COWMAP_H
