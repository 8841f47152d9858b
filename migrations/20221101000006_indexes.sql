-- Indexes found missing by tests/queries.rs (every page's plan, sequential scans priced out):
-- no page may read a table that grows with the plan and its reports whole.

-- A report's coordination requests (the report page, the API's report list, and the cascade
-- when a report is deleted) were read by scanning every request.
CREATE INDEX coordination_report_idx ON coordination_requests (report_id, id);

-- The urges of a reporting period (/reporting) were read by scanning every urge.
CREATE INDEX urges_period_idx ON urges (plan_id, period, created_at DESC);

-- /units pages through a directory in its order: without this every unit of the directory
-- is sorted before the page is cut.
CREATE INDEX units_directory_order_idx ON units (directory, sort_order, id);
