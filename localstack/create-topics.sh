#!/bin/sh
# One-shot Kafka init for docker compose: creates PeakCart's topics from the one definition
# (shared/infra/resources.json, mounted at /etc/peakcart/infra) with kafka-topics.sh.
# `create-topics.sh --dry-run [resources.json]` prints "<topic> <partitions>" lines instead.
set -eu

dry_run=false
if [ "${1:-}" = "--dry-run" ]; then dry_run=true; shift; fi
resources="${1:-/etc/peakcart/infra/resources.json}"
bootstrap="${KAFKA_BOOTSTRAP:-kafka:9092}"

# The images have no JSON tool; the definition keeps one topic per object, as "name" then
# "partitions", inside the "topics" list.
topics=$(awk '
  /"topics"[[:space:]]*:/ { inside = 1 }
  inside && /"name"[[:space:]]*:/ { gsub(/.*"name"[[:space:]]*:[[:space:]]*"|".*/, ""); name = $0 }
  inside && /"partitions"[[:space:]]*:/ { gsub(/[^0-9]/, ""); print name, $0 }
' "$resources")

echo "$topics" | while read -r name partitions; do
  [ -n "$name" ] || continue
  if [ "$dry_run" = true ]; then
    echo "$name $partitions"
  else
    /opt/kafka/bin/kafka-topics.sh --bootstrap-server "$bootstrap" --create --if-not-exists \
      --topic "$name" --partitions "$partitions" --replication-factor 1
  fi
done
