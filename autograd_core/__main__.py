from autograd_core.cli import main

raise SystemExit(main())
