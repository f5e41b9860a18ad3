"""The engine: measures compiled to SQL, per-cycle values fetched from a store, and the pure
judgement of those values (statuses, attainment, escalations, the report, explanations)."""
