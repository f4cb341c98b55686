from metrotui.cli import main

main()
