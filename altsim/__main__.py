from altsim.cli import main

raise SystemExit(main())
