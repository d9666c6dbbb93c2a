"""What the tests share: servers, seeded projects, workloads and the pages they drive."""
