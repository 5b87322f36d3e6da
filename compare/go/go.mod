module genlet/compare/go

go 1.19
