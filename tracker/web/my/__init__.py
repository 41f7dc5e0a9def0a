"""本单位待办: what a unit owes this period, its contribution requests, and reporting by Excel."""
