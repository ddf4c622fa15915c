#pragma once
// Alias settings beyond the version it points at: the description, the weighted routing to
// one additional version (RoutingConfig.AdditionalVersionWeights) and the RevisionId, as
// CreateAlias, UpdateAlias, GetAlias and ListAliases carry them (spec §1.2).
//
// AliasChange is what a create or update asks for; AliasView is what a read returns. The
// engine validates the routing (at most one additional version, live, not the alias's own,
// no routing on $LATEST) with AWS's recorded messages; the server has already checked the
// model constraints (weights in [0, 1], version keys numeric).
//
// Pure values: no I/O. Any thread (no sharing).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>

namespace hr::engine {

struct AliasChange {
  std::optional<std::string> function_version;  // required by CreateAlias
  std::optional<std::string> description;
  // AdditionalVersionWeights as sent: version -> weight. An empty map clears the routing.
  std::optional<std::map<std::string, double>> additional_version_weights;
  // UpdateAlias's RevisionId: when non-empty it must equal the alias's current one.
  std::string expected_revision_id;
  std::string revision_id;  // the alias's new RevisionId (opaque; the caller draws it)
};

struct AliasView {
  std::string name;
  std::string alias_arn;
  std::string function_version;  // "$LATEST" or "7"
  std::string description;
  std::string revision_id;
  // The weighted additional version, when the alias routes to two versions.
  std::optional<std::pair<std::uint32_t, double>> additional_version;
};

}  // namespace hr::engine
