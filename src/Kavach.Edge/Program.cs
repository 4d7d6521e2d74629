System.Console.WriteLine("kavach-edge");
