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

public:
  using const_iterator = typename Map::const_iterator;

  const V *find(const K &Key) const {
    if (!Entries)
      return nullptr;
    auto It = Entries->find(Key);
    return It == Entries->end() ? nullptr : &It->second;
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
    if (!Entries || !std::any_of(Entries->begin(), Entries->end(),
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
      Entries = std::make_shared<Map>();
    else if (Entries.use_count() > 1)
      Entries = std::make_shared<Map>(*Entries);
    return *Entries;
  }

  const_iterator begin() const { return Entries ? Entries->cbegin() : none().cbegin(); }
  const_iterator end() const { return Entries ? Entries->cend() : none().cend(); }
  size_t size() const { return Entries ? Entries->size() : 0; }
  bool empty() const { return size() == 0; }

  friend bool operator==(const CowMap &A, const CowMap &B) {
    if (A.Entries == B.Entries || (A.empty() && B.empty()))
      return true;
    if (A.size() != B.size())
      return false;
    return *A.Entries == *B.Entries;
  }

private:
  static const Map &none() {
    static const Map Empty;
    return Empty;
  }
  std::shared_ptr<Map> Entries;
};

} // namespace iodrain

#endif // IODRAIN_CORE_COWMAP_H
