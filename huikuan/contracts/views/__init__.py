"""The contract pages: the list, a contract with its plan and actions, the create and edit forms,
and the plan editor (huikuan/web/DESIGN.md). Each module lists its own addresses."""
